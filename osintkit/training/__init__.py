"""Training and comparing entity models: corpus readers (:mod:`.datasets`), low-rank adapters and the delta writer
(:mod:`.lora`), the training script (:mod:`.train`), held-out scoring (:mod:`.evaluate`) and the paired comparison
of two models (:mod:`.compare`).

Kept apart from the runtime: it may import :mod:`osintkit.entities`, never the reverse
(``tests/test_architecture.py`` checks), so tagging a text never loads the 800-line corpus readers. It ships inside
the package rather than as a top-level folder so the model card's retraining command
(``python -m osintkit.training.train``) works from an installed wheel as well as from a checkout.
"""

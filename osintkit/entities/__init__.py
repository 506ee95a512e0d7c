"""Entity tagging: the shipped model (PERSON/ORG/LOC) merged with rule (DATE/QUANTITY/NORP/VESSEL, and
EVENT/LAW/AWARD) and gazetteer mentions.

    from osintkit.entities import tag
    mentions = tag(document)          # list[Mention], offsets index document.text

Importing this package is cheap; torch loads on the first call that needs the model. The shipped model runs in
plain torch (:mod:`osintkit.entities.bert`); transformers is imported only to train or to load another Hugging
Face model. The modules, by job: :mod:`.tagger` (tag, tag_many), :mod:`.model` (the model class and its loaders),
:mod:`.loading` (files and hash checks), :mod:`.quantise` (int8), :mod:`.decoding` (labels, Viterbi),
:mod:`.spans` (words, spans, merging), :mod:`.encoder` (the base encoder, sentence embeddings), :mod:`.bert` (the
network), and the rule modules. Training lives apart, in :mod:`osintkit.training`, which nothing here imports.
"""

from __future__ import annotations

from osintkit.entities.encoder import base_model_dir, embed, load_base_encoder
from osintkit.entities.model import DEFAULT_LABEL_MAP, EntityModel, default_model, load_entity_model
from osintkit.entities.spans import merge_mentions
from osintkit.entities.tagger import tag, tag_many

__all__ = [
    "ATTRIBUTION",
    "DEFAULT_LABEL_MAP",
    "EntityModel",
    "base_model_dir",
    "default_model",
    "embed",
    "load_base_encoder",
    "load_entity_model",
    "merge_mentions",
    "tag",
    "tag_many",
]

# Credits the report exporters print (osintkit.findings.attribution reads this beside osintkit.geo.ATTRIBUTION).
ATTRIBUTION: list[dict[str, str]] = [
    {
        "name": "Entity model training data",
        "license": "see the model card",
        "url": "",
        "text": (
            "The entity tagger was trained on public NER corpora, among them the Groningen Meaning Bank (Bos et al., "
            "2017), GUM (Zeldes, 2017) and the Broad Twitter Corpus (Derczynski et al., 2016); the model card and "
            "NOTICE list every set and its licence."
        ),
    },
]

"""Entity tagging: the shipped model (PERSON/ORG/LOC) merged with rule (DATE/QUANTITY/NORP) and gazetteer mentions."""

from __future__ import annotations

"""Retrieval library of KommPräv-Lotse: documents in, cited passages and answers out.

Knows nothing of chat channels; `bot` builds on it, never the other way round.
"""

from retrieval.answering import Answerer, Thresholds
from retrieval.answers import Answer, Source
from retrieval.documents import LoaderError
from retrieval.embeddings import E5Embeddings
from retrieval.generation import LlmGenerator, unsupported_numbers
from retrieval.indexer import IndexReport, build_index
from retrieval.knowledge_base import IndexMissing, KnowledgeBase

__all__ = [
    "Answer",
    "Answerer",
    "E5Embeddings",
    "IndexMissing",
    "IndexReport",
    "KnowledgeBase",
    "LlmGenerator",
    "LoaderError",
    "Source",
    "Thresholds",
    "build_index",
    "unsupported_numbers",
]

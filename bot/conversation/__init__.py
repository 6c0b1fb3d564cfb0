"""Channel-neutral conversation core: `Conversation.handle(Incoming) -> list[Reply]`.

Imports no telegram, starlette or jinja2; adapters in `bot.channels` translate only.
"""

from bot.conversation.asking import QuestionAnswerer
from bot.conversation.core import Clock, Conversation
from bot.conversation.form import looks_like_question
from bot.conversation.messages import Attachment, Button, Incoming, Kind, Reply
from bot.conversation.state import DialogueState
from bot.conversation.steps import STEPS, Step

__all__ = [
    "STEPS",
    "Attachment",
    "Button",
    "Clock",
    "Conversation",
    "DialogueState",
    "Incoming",
    "Kind",
    "QuestionAnswerer",
    "Reply",
    "Step",
    "looks_like_question",
]

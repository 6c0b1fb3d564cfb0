"""Keeping the knowledge base current from the workspace: FAQ entries and documents written back
to KNOWLEDGE_DIR, their change history, and checks before anything goes live."""

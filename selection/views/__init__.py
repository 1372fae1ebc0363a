"""Pages of the selection: calls and applications (`applications.py`), their .docx work plans
(`docx.py`), expert review (`review.py`), the notice, objections and designation (`notice.py`)."""

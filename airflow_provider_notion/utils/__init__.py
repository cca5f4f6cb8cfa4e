"""Generic helpers with no Notion knowledge: input coercion, atomic files, the private state folder, storage
paths and progress logging. The bottom layer above ``exceptions``."""

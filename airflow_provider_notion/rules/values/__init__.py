"""Notion property values both ways: plain Python -> Notion (``to_notion``), Notion -> plain Python
(``from_notion``), and the conditions that compare them (``conditions``)."""

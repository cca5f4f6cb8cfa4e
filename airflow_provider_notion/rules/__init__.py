"""Pure Notion rules: no I/O, no Airflow. Ids, Notion-Versions, payload limits, filters, time windows,
timestamps, row keys, block children, comments and value conversion both ways. Every layer above may import
these; they import only ``exceptions`` and ``utils``."""

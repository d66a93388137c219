"""Quality gates: the dbt gate summary, the Great Expectations checkpoint, `rtwpanel gates`."""

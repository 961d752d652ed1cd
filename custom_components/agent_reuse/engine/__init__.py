"""AgentReuse engine: plan reuse for LLM-driven smart-home agents, with no Home Assistant imports.

The engine parses a request locally (intent + slots), strips the slot values, embeds the rest, looks for a
cached plan inside the predicted intent's partition, re-binds the new slot values and executes the plan's
steps through pluggable runners. It calls the LLM planner only on a miss. It must stay importable and
benchmarkable without Home Assistant, so the integration is a thin adapter around it.
"""

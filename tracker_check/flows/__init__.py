"""The flow runner: plan flows → Playwright steps in one browser, events attributed to steps.

Public API: `runner.RunOptions`, `runner.run_plan`, `runner.run_plan_async`,
`runner.select_flows`.
"""

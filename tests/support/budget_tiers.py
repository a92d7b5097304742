"""The two priced tiers the budget and team-report tests share (no tier is called)."""

TIERS = """
[tiers.local]
provider = "llama-cpp"
model = "gemma3-270m"
n_ctx = 2048
max_tokens = 64
cost_per_hour = 0.05

[tiers.premium]
provider = "openai"
model = "premium-test-model"
base_url = "http://127.0.0.1:9/v1"
n_ctx = 100000
max_tokens = 100
price = { input_per_mtok = 3.0, output_per_mtok = 15.0 }
"""

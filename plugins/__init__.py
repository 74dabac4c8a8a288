"""Built-in IAM Flow plugins: agent, memory, profile."""

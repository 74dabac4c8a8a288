"""Single-prompt streaming generation: one video per prompt (a prompt, or a .txt of prompts).

    python agent_inference.py --plugins agent,memory,profile [key=value ...]
"""

from memflow_ext.app.cli import main

if __name__ == "__main__":
    raise SystemExit(main(None, interactive=False, prog="agent_inference.py",
                          description=__doc__.splitlines()[0], default_config="inference.yaml"))

"""Interactive (multi-prompt) streaming generation: one video per story, prompts switch at given frames.

    python agent_interactive_inference.py --plugins agent,memory,profile [key=value ...]
"""

from memflow_ext.app.cli import main

if __name__ == "__main__":
    raise SystemExit(main(None, interactive=True, prog="agent_interactive_inference.py",
                          description=__doc__.splitlines()[0], default_config="interactive_inference.yaml"))

"""One Hermes session with the memory provider that `$HERMES_HOME/config.yaml` names, run
through Hermes' own code as `hermes chat` starts and drives it: its `.env` loading and
logging setup, plugin discovery (`load_memory_provider`), and a `MemoryManager` for the
lifecycle, every hook included. Prints a JSON report on stdout.

    HERMES_HOME=DIR python hermes_session.py TURNS

Standalone on purpose (Hermes and the installed runtime only, nothing from tests/), so
that it runs in any interpreter where Hermes and the plugin are installed.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any


def run_session(home: Path, turns: int) -> dict[str, Any]:
    from hermes_cli.env_loader import load_hermes_dotenv

    load_hermes_dotenv(hermes_home=home)
    import hermes_logging

    hermes_logging.setup_logging(hermes_home=home, mode="cli")
    from agent.memory_manager import MemoryManager
    from agent.memory_provider import MemoryProvider
    from hermes_cli.config import load_config
    from plugins.memory import load_memory_provider

    # As agent_init does: the provider named in config.yaml, added only if available.
    name = load_config()["memory"]["provider"]
    provider = load_memory_provider(name)
    report: dict[str, Any] = {
        "loaded": provider is not None,
        "is_memory_provider": isinstance(provider, MemoryProvider),
        "available": provider is not None and provider.is_available(),
    }
    manager = MemoryManager()
    if provider is None or not provider.is_available():
        hermes_logging.flush_log_queue()
        return report
    manager.add_provider(provider)
    warnings: list[str] = []
    statuses: list[str] = []
    manager.initialize_all(
        session_id="session-1",
        platform="cli",
        hermes_home=str(home),
        agent_context="primary",
        warning_callback=warnings.append,
        status_callback=statuses.append,
        agent_identity="default",
        agent_workspace="hermes",
    )
    prompts = [manager.build_system_prompt()]
    session = "session-1"
    messages: list[dict[str, Any]] = []
    contributions: list[str] = []
    for turn in range(1, turns + 1):
        user = f"Turn {turn}: which capabilities do you hold?"
        manager.on_turn_start(
            turn,
            user,
            remaining_tokens=90_000,
            model="test",
            platform="cli",
            tool_count=0,
        )
        contributions.append(manager.prefetch_all(user, session_id=session))
        assistant = f"Answer {turn}."
        messages += [
            {"role": "user", "content": user},
            {"role": "assistant", "content": assistant},
        ]
        manager.sync_all(user, assistant, session_id=session, messages=list(messages))
        manager.queue_prefetch_all(user, session_id=session)
        if turn == 4:  # the built-in memory tool committed a write
            manager.notify_memory_tool_write(
                json.dumps({"success": True}),
                {
                    "action": "add",
                    "target": "memory",
                    "content": "prefers metric units",
                },
                build_metadata=lambda s=session: {
                    "session_id": s,
                    "tool_name": "memory",
                },
            )
        if turn == 7:
            manager.on_delegation(
                "summarise the audit log", "done", child_session_id="child-1"
            )
        if turn == 10:  # context compression continues under a new id
            contributions.append(manager.on_pre_compress(messages))
            manager.on_session_switch(
                "session-2", parent_session_id=session, reason="compression"
            )
            session = "session-2"
            prompts.append(manager.build_system_prompt())
        if turn == 13:  # /new: end the old session, then start a fresh one
            manager.commit_session_boundary_async(
                messages, new_session_id="session-3", parent_session_id=session
            )
            manager.flush_pending(timeout=10)
            session, messages = "session-3", []
            prompts.append(manager.build_system_prompt())
        if turn == 16:  # /undo: same id, shorter transcript
            messages = messages[:-2]
            manager.on_session_switch(session, rewound=True)
        if turn == 18:
            report["tool_result"] = json.loads(
                provider.handle_tool_call("isokron_anything", {})
            )
            report["tool_schemas"] = manager.get_all_tool_schemas()
    manager.on_session_end(messages)
    report["drained"] = manager.flush_pending(timeout=10)
    manager.shutdown_all()
    hermes_logging.flush_log_queue()
    report.update(
        prompts=prompts,
        contributions=[text for text in contributions if text],
        warnings=warnings,
        statuses=statuses,
        shutdown=manager.shutdown_drain_state,
        backup_paths=provider.backup_paths(),
    )
    return report


if __name__ == "__main__":
    report = run_session(Path(os.environ["HERMES_HOME"]), int(sys.argv[1]))
    print(json.dumps(report))

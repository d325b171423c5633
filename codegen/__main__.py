from codegen.cli import entrypoint

entrypoint()

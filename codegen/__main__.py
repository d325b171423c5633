from codegen.entry import entrypoint

entrypoint()

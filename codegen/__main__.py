from tsmirror.entry import entrypoint

entrypoint()

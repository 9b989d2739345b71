"""Development tools beside the runtime: the synthetic agency generator, the benchmarks and the
fraud evaluation. Installed with the project but never imported by `kinerja` or `ml`; the
`kinerja` CLI finds their commands through the `kinerja.cli` entry point group."""

// Distributed: data-parallel training's process group — which process this is among how many, and the few
// collective operations a data-parallel step needs — over Open MPI (CMPI), or trivially for one process.
// Nothing here knows about models or batches: Training hands it flat buffers.
//
// MPI starts only when the process was launched by mpirun (or srun with PMIx): `Launch.detect` reads the
// variables the launcher sets, so a plain `trellis` never initialises MPI and starts as fast as before.
// Every MPI error becomes a `DistributedError` with MPI's own message; a caller that cannot go on calls `abort`,
// which ends every rank of the job (MPI_Abort) instead of leaving the others waiting in a collective.
//
// Files, one job each:
//   Launch.swift            whether (and as which rank of how many) the launcher started this process.
//   ProcessGroup.swift      the `ProcessGroup` protocol (rank, size, allreduce, broadcast, barrier, abort) and
//                           `SingleProcess`, its one-process implementation.
//   MPIProcessGroup.swift   the implementation over MPI_COMM_WORLD (init once, errors returned, finalize).
//   AllreduceBenchmark.swift `bench allreduce`: times and checks allreduce over a range of buffer sizes.

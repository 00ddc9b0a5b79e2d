// Launch: reads what a launcher tells a process about the job it belongs to, from the environment alone, so the
// decision to start MPI costs nothing and can be tested with made-up environments.
//   Open MPI's mpirun / prterun:  OMPI_COMM_WORLD_SIZE, OMPI_COMM_WORLD_RANK
//   Slurm's srun --mpi=pmix:      PMIX_RANK (Open MPI then learns the size from PMIx itself)
public struct Launch: Sendable, Equatable {
    /// This process's rank as the launcher announced it (nil when only PMIx is set: MPI will tell).
    public var rank: Int?
    /// The number of processes (nil when only PMIx is set).
    public var size: Int?

    public init(rank: Int?, size: Int?) { self.rank = rank; self.size = size }

    /// nil when no MPI launcher started this process: it then runs alone, without initialising MPI.
    public static func detect(_ environment: [String: String]) -> Launch? {
        if let s = environment["OMPI_COMM_WORLD_SIZE"].flatMap({ Int($0) }), s >= 1 {
            return Launch(rank: environment["OMPI_COMM_WORLD_RANK"].flatMap { Int($0) }, size: s)
        }
        if let r = environment["PMIX_RANK"].flatMap({ Int($0) }), r >= 0 {
            return Launch(rank: r, size: nil)
        }
        return nil
    }
}

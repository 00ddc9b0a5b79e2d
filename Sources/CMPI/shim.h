// Open MPI's C interface (Debian: libopenmpi-dev; pkg-config ompi-c) through plain functions. MPI's handles
// (MPI_COMM_WORLD, MPI_FLOAT, MPI_SUM, ...) are macros over addresses of C globals, which Swift can neither import
// nor (in Swift 6 mode) touch as globals; these accessors take and return only C scalars and pointers, and all act
// on MPI_COMM_WORLD, the one communicator Trellis uses.
#include <mpi.h>
#include <string.h>

static inline int trellis_mpi_init(void) {
    int provided = 0;
    // Only the main thread calls MPI (the batch loader's thread never does).
    return MPI_Init_thread(NULL, NULL, MPI_THREAD_FUNNELED, &provided);
}
static inline int trellis_mpi_initialized(void) { int flag = 0; MPI_Initialized(&flag); return flag; }
static inline int trellis_mpi_finalized(void) { int flag = 0; MPI_Finalized(&flag); return flag; }
static inline int trellis_mpi_finalize(void) { return MPI_Finalize(); }
// Errors come back as return codes (the Swift side turns them into a message and aborts the whole job) instead
// of MPI_ERRORS_ARE_FATAL's abort without a word about what Trellis was doing.
static inline int trellis_mpi_errors_return(void) { return MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN); }
static inline int trellis_mpi_rank(void) { int r = -1; MPI_Comm_rank(MPI_COMM_WORLD, &r); return r; }
static inline int trellis_mpi_size(void) { int s = 0; MPI_Comm_size(MPI_COMM_WORLD, &s); return s; }
static inline int trellis_mpi_allreduce_sum_float(float *values, int count) {
    return MPI_Allreduce(MPI_IN_PLACE, values, count, MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD);
}
static inline int trellis_mpi_allreduce_sum_double(double *values, int count) {
    return MPI_Allreduce(MPI_IN_PLACE, values, count, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
}
static inline int trellis_mpi_allreduce_max_int64(long long *values, int count) {
    return MPI_Allreduce(MPI_IN_PLACE, values, count, MPI_LONG_LONG, MPI_MAX, MPI_COMM_WORLD);
}
static inline int trellis_mpi_bcast_bytes(void *bytes, int count, int root) {
    return MPI_Bcast(bytes, count, MPI_BYTE, root, MPI_COMM_WORLD);
}
static inline int trellis_mpi_barrier(void) { return MPI_Barrier(MPI_COMM_WORLD); }
static inline int trellis_mpi_abort(int code) { return MPI_Abort(MPI_COMM_WORLD, code); }
static inline double trellis_mpi_wtime(void) { return MPI_Wtime(); }
static inline void trellis_mpi_error_string(int code, char *out, int capacity) {
    char text[MPI_MAX_ERROR_STRING + 1];
    int length = 0;
    if (MPI_Error_string(code, text, &length) != MPI_SUCCESS) length = 0;
    text[length] = 0;
    strncpy(out, text, capacity - 1);
    out[capacity - 1] = 0;
}
static inline int trellis_mpi_processor_name(char *out, int capacity) {
    char name[MPI_MAX_PROCESSOR_NAME + 1];
    int length = 0;
    int rc = MPI_Get_processor_name(name, &length);
    name[length] = 0;
    strncpy(out, name, capacity - 1);
    out[capacity - 1] = 0;
    return rc;
}
// For atexit: a rank that ends without MPI_Finalize makes mpirun report the whole job as failed.
static inline void trellis_mpi_finalize_at_exit(void) {
    if (trellis_mpi_initialized() && !trellis_mpi_finalized()) MPI_Finalize();
}

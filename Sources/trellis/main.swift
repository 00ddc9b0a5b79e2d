// The `trellis` executable: a thin entry point; everything lives in Workbench.
import Workbench

Shell.main()

// The `trellis` executable: a thin entry point; everything lives in Workbench.
import Foundation
import Workbench

exit(Shell.main())

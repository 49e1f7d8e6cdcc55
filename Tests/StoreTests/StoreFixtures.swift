import Foundation
import TestSupport

let migrationsDirectory = repositoryRoot.appendingPathComponent("migrations")

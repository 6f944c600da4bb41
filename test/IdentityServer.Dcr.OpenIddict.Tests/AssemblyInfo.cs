// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

[assembly: Parallelizable(ParallelScope.Fixtures)]

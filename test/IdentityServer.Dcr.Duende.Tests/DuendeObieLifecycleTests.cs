// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using IdentityServer.Dcr.Testing.Lifecycle;

namespace IdentityServer.Dcr.Duende.Tests;

/// <summary>The OBIE lifecycle suite on the Duende plug-in.</summary>
[TestFixture]
[Category("Integration")]
public sealed class DuendeObieLifecycleTests : ObieLifecycleTests
{
    protected override async Task<ILifecycleHost> StartHostAsync(TestEnvironment environment)
        => await DuendeLifecycleHost.StartAsync(environment);
}

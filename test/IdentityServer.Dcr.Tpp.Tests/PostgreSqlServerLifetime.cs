// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using IdentityServer.Dcr.Testing.PostgreSql;

namespace IdentityServer.Dcr.Tpp.Tests;

/// <summary>Releases the PostgreSQL test server once every fixture of the assembly has run.</summary>
[SetUpFixture]
public sealed class PostgreSqlServerLifetime
{
    [OneTimeTearDown]
    public Task ShutdownAsync() => PostgreSqlTestServer.ShutdownAsync();
}

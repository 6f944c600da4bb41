// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

namespace IdentityServer.Dcr.Duende.Infrastructure;

/// <summary>
/// PostgreSQL migrations for Duende's <c>ConfigurationDbContext</c> and <c>PersistedGrantDbContext</c> (Duende ships
/// none), for hosts that do not keep their own: pass <see cref="Assembly"/> to <c>MigrationsAssembly</c> in
/// <c>AddConfigurationStore</c>/<c>AddOperationalStore</c>. Generated against Duende.IdentityServer.EntityFramework 7.4
/// with default store options (table names, no schema).
/// </summary>
public static class DuendeMigrations
{
    /// <summary>The name of the assembly that holds the migrations.</summary>
    public static string Assembly { get; } = typeof(DuendeMigrations).Assembly.GetName().Name!;
}

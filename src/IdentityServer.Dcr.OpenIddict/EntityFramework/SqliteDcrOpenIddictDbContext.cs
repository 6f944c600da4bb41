// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using Microsoft.EntityFrameworkCore;

namespace IdentityServer.Dcr.OpenIddict.EntityFramework;

/// <summary>The Sqlite flavour of <see cref="DcrOpenIddictDbContext"/>, with its own migrations.</summary>
public sealed class SqliteDcrOpenIddictDbContext : DcrOpenIddictDbContext
{
    /// <summary>Creates the context.</summary>
    /// <param name="options">The options.</param>
    public SqliteDcrOpenIddictDbContext(DbContextOptions<SqliteDcrOpenIddictDbContext> options)
        : base(options)
    {
    }
}

// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using Microsoft.EntityFrameworkCore;

namespace IdentityServer.Dcr.OpenIddict.EntityFramework;

/// <summary>The PostgreSql flavour of <see cref="DcrOpenIddictDbContext"/>, with its own migrations.</summary>
public sealed class PostgreSqlDcrOpenIddictDbContext : DcrOpenIddictDbContext
{
    /// <summary>Creates the context.</summary>
    /// <param name="options">The options.</param>
    public PostgreSqlDcrOpenIddictDbContext(DbContextOptions<PostgreSqlDcrOpenIddictDbContext> options)
        : base(options)
    {
    }
}

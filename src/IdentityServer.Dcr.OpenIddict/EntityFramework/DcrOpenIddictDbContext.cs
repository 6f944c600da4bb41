// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using Microsoft.EntityFrameworkCore;

namespace IdentityServer.Dcr.OpenIddict.EntityFramework;

/// <summary>
/// OpenIddict's EF Core model (applications, authorizations, scopes, tokens) on the database of the DCR store.
/// </summary>
/// <remarks>
/// It is a context of its own, with its own migrations and history table (<see cref="MigrationsHistoryTable"/>), so
/// the DCR store keeps its migrations unchanged; the two share one connection and one transaction whenever a
/// registration is written (see <see cref="Stores.OpenIddictClientRegistrationStore"/>). Each provider has its
/// subclass (<see cref="SqliteDcrOpenIddictDbContext"/>, <see cref="PostgreSqlDcrOpenIddictDbContext"/>), chosen
/// to match the DCR store; OpenIddict's stores resolve this base type.
/// </remarks>
public abstract class DcrOpenIddictDbContext : DbContext
{
    /// <summary>The migrations history table of this context.</summary>
    public const string MigrationsHistoryTable = "__DcrOpenIddictMigrationsHistory";

    /// <summary>Creates the context.</summary>
    /// <param name="options">The options.</param>
    protected DcrOpenIddictDbContext(DbContextOptions options)
        : base(options)
    {
    }

    /// <inheritdoc />
    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        ArgumentNullException.ThrowIfNull(modelBuilder);
        base.OnModelCreating(modelBuilder);
        modelBuilder.UseOpenIddict();
    }
}

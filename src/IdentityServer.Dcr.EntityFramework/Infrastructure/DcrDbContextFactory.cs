// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using Microsoft.EntityFrameworkCore;

namespace IdentityServer.Dcr.EntityFramework.Infrastructure;

/// <summary>
/// Exposes the registered provider's context factory as <see cref="IDbContextFactory{TContext}"/> of
/// <see cref="DcrDbContext"/>, which is what the store and <c>MigrateDcrDatabaseAsync</c> depend on.
/// </summary>
/// <typeparam name="TContext">The provider-specific context.</typeparam>
internal sealed class DcrDbContextFactory<TContext>(IDbContextFactory<TContext> inner) : IDbContextFactory<DcrDbContext>
    where TContext : DcrDbContext
{
    public DcrDbContext CreateDbContext() => inner.CreateDbContext();

    public async Task<DcrDbContext> CreateDbContextAsync(CancellationToken cancellationToken = default)
        => await inner.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
}

// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using Duende.IdentityServer.EntityFramework.DbContexts;
using Duende.IdentityServer.EntityFramework.Options;
using Microsoft.EntityFrameworkCore;

#pragma warning disable IDE0130 // Extension methods live in the namespace of what they extend, by .NET convention.
namespace Microsoft.Extensions.DependencyInjection;
#pragma warning restore IDE0130

/// <summary>Applies the database migrations OBIE DCR on Duende needs.</summary>
public static class ObieDcrServiceProviderExtensions
{
    /// <summary>
    /// Applies the pending migrations of the engine's registration store and of Duende's
    /// <see cref="ConfigurationDbContext"/> and <see cref="PersistedGrantDbContext"/> (when registered). Duende's
    /// contexts use the migrations of the assembly their options name (<c>MigrationsAssembly</c>): this package's
    /// (<c>IdentityServer.Dcr.Duende.Infrastructure.DuendeMigrations.Assembly</c>) or the bank's own.
    /// </summary>
    /// <param name="services">The root service provider.</param>
    /// <param name="ct">Cancels the operation.</param>
    /// <returns>A task that completes when every database is up to date.</returns>
    public static async Task MigrateObieDynamicClientRegistrationDatabaseAsync(this IServiceProvider services, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(services);
        var scope = services.CreateAsyncScope();
        await using (scope.ConfigureAwait(false))
        {
            if (scope.ServiceProvider.GetService<ConfigurationDbContext>() is { } configuration)
            {
                configuration.StoreOptions ??= scope.ServiceProvider.GetRequiredService<ConfigurationStoreOptions>();
                await configuration.Database.MigrateAsync(ct).ConfigureAwait(false);
            }

            if (scope.ServiceProvider.GetService<PersistedGrantDbContext>() is { } grants)
            {
                grants.StoreOptions ??= scope.ServiceProvider.GetRequiredService<OperationalStoreOptions>();
                await grants.Database.MigrateAsync(ct).ConfigureAwait(false);
            }
        }

        await services.MigrateDcrDatabaseAsync(ct).ConfigureAwait(false);
    }
}

// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using IdentityServer.Dcr;
using IdentityServer.Dcr.EntityFramework;
using IdentityServer.Dcr.EntityFramework.Stores;
using IdentityServer.Dcr.OpenIddict.Applications;
using IdentityServer.Dcr.OpenIddict.EntityFramework;
using IdentityServer.Dcr.OpenIddict.Stores;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using OpenIddict.Abstractions;
using OpenIddict.EntityFrameworkCore.Models;

#pragma warning disable IDE0130 // DI extensions live in Microsoft.Extensions.DependencyInjection (house style §3.4).
namespace Microsoft.Extensions.DependencyInjection;
#pragma warning restore IDE0130

/// <summary>Plugs IdentityServer.Dcr into OpenIddict.</summary>
public static partial class DcrOpenIddictBuilderExtensions
{
    /// <summary>
    /// Makes every registration an OpenIddict application and lets registered TPPs authenticate at OpenIddict's token
    /// endpoint. Requires an EF Core DCR store (<c>AddDcrSqliteStore</c> or <c>AddDcrPostgreSqlStore</c>, before or
    /// after this call) and the bank's own <c>services.AddOpenIddict().AddServer(...)</c> with an issuer and the token
    /// endpoint.
    /// </summary>
    /// <remarks>
    /// It points OpenIddict's core at <see cref="DcrOpenIddictDbContext"/> (OpenIddict's tables on the DCR database,
    /// so that a registration and its application are written in one transaction), adds the OBIE client
    /// authentication handlers and the discovery metadata to the server, the client credentials grant for DCR
    /// clients, and OpenIddict's validation (local server, token entry validation) for the management endpoints.
    /// Apply the OpenIddict tables' migrations with <see cref="MigrateDcrOpenIddictDatabaseAsync"/>.
    /// </remarks>
    /// <param name="builder">The DCR builder.</param>
    /// <returns><paramref name="builder"/>.</returns>
    public static IDcrBuilder AddOpenIddict(this IDcrBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.TryAddSingleton<DcrOpenIddictDbContextOptionsFactory>();
        services.TryAddSingleton<DcrApplicationMapper>();
        services.TryAddSingleton<OpenIddictApplicationWriteServices>();
        services.TryAddSingleton<DcrApplicationSnapshots>();

        // A closed registration wins over OpenIddict's open generic one (OpenIddictApplicationCache<>).
        services.AddOptions<IdentityServer.Dcr.OpenIddict.DcrOpenIddictOptions>();
        services.Replace(ServiceDescriptor.Scoped<IOpenIddictApplicationCache<OpenIddictEntityFrameworkCoreApplication>, DcrApplicationCache>());
        services.TryAddScoped<DcrOpenIddictDbContext>(sp => sp.GetRequiredService<DcrOpenIddictDbContextOptionsFactory>().Rent());
        services.RemoveAll<EntityFrameworkClientRegistrationStore>();
        services.AddSingleton<EntityFrameworkClientRegistrationStore>(sp => new OpenIddictClientRegistrationStore(
            sp.GetRequiredService<IDbContextFactory<DcrDbContext>>(),
            sp.GetRequiredService<OpenIddictApplicationWriteServices>(),
            sp.GetRequiredService<ILogger<EntityFrameworkClientRegistrationStore>>()));

        services.AddOpenIddict()
            .AddCore(core => core.UseEntityFrameworkCore().UseDbContext<DcrOpenIddictDbContext>());
        AddServerIntegration(services);
        return builder;
    }

    /// <summary>Applies the pending migrations of OpenIddict's tables on the DCR database.</summary>
    /// <param name="services">The root service provider.</param>
    /// <param name="ct">Cancels the operation.</param>
    /// <returns>A task that completes when the tables are up to date.</returns>
    public static async Task MigrateDcrOpenIddictDatabaseAsync(this IServiceProvider services, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(services);
        var factory = services.GetService<DcrOpenIddictDbContextOptionsFactory>()
            ?? throw new InvalidOperationException("The OpenIddict plug-in is not registered: call services.AddDcr(...).AddOpenIddict().");
        var context = factory.Rent();
        await using (context.ConfigureAwait(false))
        {
            await context.Database.MigrateAsync(ct).ConfigureAwait(false);
        }
    }

    static partial void AddServerIntegration(IServiceCollection services);
}

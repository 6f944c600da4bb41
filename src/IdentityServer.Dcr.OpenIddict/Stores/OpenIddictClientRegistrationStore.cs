// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using IdentityServer.Dcr.EntityFramework;
using IdentityServer.Dcr.EntityFramework.Stores;
using IdentityServer.Dcr.Models;
using IdentityServer.Dcr.OpenIddict.Applications;
using IdentityServer.Dcr.OpenIddict.EntityFramework;
using IdentityServer.Dcr.OpenIddict.Logging;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenIddict.EntityFrameworkCore;
using OpenIddict.EntityFrameworkCore.Models;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace IdentityServer.Dcr.OpenIddict.Stores;

/// <summary>
/// The EF Core registration store that also writes the registration's OpenIddict application, in the registration's
/// own database transaction: a registration and its application are created, replaced and deleted together or not
/// at all.
/// </summary>
/// <remarks>
/// In <see cref="OnWritingAsync"/> a <see cref="DcrOpenIddictDbContext"/> is enlisted in the DCR context's connection
/// and transaction, and OpenIddict's own EF Core application store writes through it (so the rows are exactly what
/// OpenIddict reads back). Deleting the application also deletes its authorizations and token entries, in the same
/// transaction, so every token of a deleted client stops validating at once. The content comes from
/// <see cref="DcrApplicationMapper"/>.
/// </remarks>
public class OpenIddictClientRegistrationStore : EntityFrameworkClientRegistrationStore
{
    private readonly DcrOpenIddictDbContextOptionsFactory _contexts;

    /// <summary>Creates the store.</summary>
    /// <param name="contextFactory">Creates one DCR context per call.</param>
    /// <param name="services">The services that build the OpenIddict side of a write.</param>
    /// <param name="logger">The logger.</param>
    internal OpenIddictClientRegistrationStore(
        IDbContextFactory<DcrDbContext> contextFactory,
        OpenIddictApplicationWriteServices services,
        ILogger<EntityFrameworkClientRegistrationStore> logger)
        : base(contextFactory, logger)
    {
        ArgumentNullException.ThrowIfNull(services);
        _contexts = services.Contexts;
        Cache = services.Cache;
        EntityFrameworkOptions = services.EntityFrameworkOptions;
        Mapper = services.Mapper;
    }

    /// <summary>The memory cache handed to OpenIddict's application store.</summary>
    protected IMemoryCache Cache { get; }

    /// <summary>OpenIddict's EF Core options.</summary>
    protected IOptionsMonitor<OpenIddictEntityFrameworkCoreOptions> EntityFrameworkOptions { get; }

    /// <summary>Maps a registration to its application.</summary>
    protected DcrApplicationMapper Mapper { get; }

    /// <inheritdoc />
    protected override async Task OnWritingAsync(DcrDbContext context, RegistrationWrite write, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(write);
        var transaction = context.Database.CurrentTransaction
            ?? throw new InvalidOperationException("OnWritingAsync must run inside the registration's transaction.");

        var openIddict = _contexts.Create(context.Database.GetDbConnection());
        await using (openIddict.ConfigureAwait(false))
        {
            await openIddict.Database.UseTransactionAsync(transaction.GetDbTransaction(), ct).ConfigureAwait(false);
            openIddict.Database.AutoSavepointsEnabled = false;
            var store = new OpenIddictEntityFrameworkCoreApplicationStore(Cache, new FixedContext(openIddict), EntityFrameworkOptions);
            var application = await store.FindByClientIdAsync(write.ClientId, ct).ConfigureAwait(false);
            switch (write.Kind)
            {
                case RegistrationWriteKind.Delete:
                    if (application is not null)
                    {
                        await store.DeleteAsync(application, ct).ConfigureAwait(false);
                    }

                    break;

                case RegistrationWriteKind.Create:
                case RegistrationWriteKind.Update:
                    var isNew = application is null;
                    application ??= await store.InstantiateAsync(ct).ConfigureAwait(false);
                    await PopulateAsync(store, application, write.Registration!, ct).ConfigureAwait(false);
                    if (isNew)
                    {
                        await store.CreateAsync(application, ct).ConfigureAwait(false);
                    }
                    else
                    {
                        await store.UpdateAsync(application, ct).ConfigureAwait(false);
                    }

                    break;
            }
        }

        Logger.ApplicationWritten(write.ClientId, write.Kind);
    }

    /// <summary>Sets the application's properties from the registration.</summary>
    /// <param name="store">OpenIddict's application store, enlisted in the registration's transaction.</param>
    /// <param name="application">The application (new or existing).</param>
    /// <param name="registration">The registration.</param>
    /// <param name="ct">Cancels the operation.</param>
    /// <returns>A task.</returns>
    protected virtual async Task PopulateAsync(
        OpenIddictEntityFrameworkCoreApplicationStore store,
        OpenIddictEntityFrameworkCoreApplication application,
        ClientRegistration registration,
        CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(application);
        ArgumentNullException.ThrowIfNull(registration);
        await store.SetClientIdAsync(application, registration.ClientId, ct).ConfigureAwait(false);
        await store.SetClientTypeAsync(application, ClientTypes.Confidential, ct).ConfigureAwait(false);
        await store.SetApplicationTypeAsync(application, ApplicationTypes.Web, ct).ConfigureAwait(false);
        await store.SetDisplayNameAsync(application, registration.SoftwareId, ct).ConfigureAwait(false);
        await store.SetPermissionsAsync(application, Mapper.GetPermissions(registration), ct).ConfigureAwait(false);
        await store.SetRedirectUrisAsync(application, Mapper.GetRedirectUris(registration), ct).ConfigureAwait(false);
        await store.SetSettingsAsync(application, Mapper.GetSettings(registration), ct).ConfigureAwait(false);
    }

    private sealed class FixedContext(DbContext context) : IOpenIddictEntityFrameworkCoreContext
    {
        public ValueTask<DbContext> GetDbContextAsync(CancellationToken cancellationToken) => new(context);
    }
}

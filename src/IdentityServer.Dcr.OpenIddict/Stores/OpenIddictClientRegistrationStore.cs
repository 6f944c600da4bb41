// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using IdentityServer.Dcr.EntityFramework;
using IdentityServer.Dcr.EntityFramework.Stores;
using IdentityServer.Dcr.Models;
using IdentityServer.Dcr.Stores;
using IdentityServer.Dcr.OpenIddict.Applications;
using IdentityServer.Dcr.OpenIddict.EntityFramework;
using IdentityServer.Dcr.OpenIddict.Logging;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
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
    private readonly DcrApplicationSnapshots _snapshots;
    private string? _applicationIsCurrent;

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
        _snapshots = services.Snapshots;
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

    /// <summary>
    /// Records a registered client's assertion as used, as
    /// <see cref="EntityFrameworkClientRegistrationStore.TryRecordClientAssertionAsync(string, string, DateTimeOffset, CancellationToken)"/>
    /// does, but only while the client's OpenIddict application is still at <paramref name="applicationVersion"/> (its
    /// concurrency token, which every write of the application changes), in the same statement: a token request that
    /// used an application another instance has since updated, disabled or deleted records nothing and is told so.
    /// </summary>
    /// <param name="clientId">The client.</param>
    /// <param name="jti">The assertion's <c>jti</c>.</param>
    /// <param name="expiresAt">The assertion's <c>exp</c>: the record is purged after it.</param>
    /// <param name="applicationVersion">The concurrency token of the application the request was checked with.</param>
    /// <param name="ct">Cancels the operation.</param>
    /// <returns>What happened.</returns>
    /// <exception cref="DcrStoreUnavailableException">The database cannot be reached.</exception>
    public virtual async Task<ClientAssertionRecording> TryRecordClientAssertionAsync(
        string clientId,
        string jti,
        DateTimeOffset expiresAt,
        string applicationVersion,
        CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(clientId);
        ArgumentException.ThrowIfNullOrEmpty(applicationVersion);
        var token = new UsedRequestToken(ClientAssertionIssuerPrefix + clientId, jti, expiresAt);
        if (await TryRecordUsedTokenWhereAsync(token, ApplicationIsCurrent(), [clientId, applicationVersion], ct).ConfigureAwait(false))
        {
            return ClientAssertionRecording.Recorded;
        }

        // Nothing recorded: the jti was used already, or the application is no longer the version that was checked.
        var current = await ExecuteAsync(nameof(TryRecordClientAssertionAsync), async context =>
        {
            var lease = await _contexts.EnlistAsync(context.Database.GetDbConnection(), transaction: null, ct).ConfigureAwait(false);
            await using (lease.ConfigureAwait(false))
            {
                return await lease.Context.Set<OpenIddictEntityFrameworkCoreApplication>().AsNoTracking()
                    .Where(application => application.ClientId == clientId)
                    .Select(application => application.ConcurrencyToken)
                    .FirstOrDefaultAsync(ct).ConfigureAwait(false);
            }
        }, ct).ConfigureAwait(false);
        if (string.Equals(current, applicationVersion, StringComparison.Ordinal))
        {
            return ClientAssertionRecording.Replayed;
        }

        _snapshots.Evict(clientId);
        return ClientAssertionRecording.ApplicationChanged;
    }

    /// <inheritdoc />
    public override Task<StoreWriteResult> CreateAsync(
        ClientRegistration registration,
        UsedRequestToken requestToken,
        bool requireUniqueSoftware,
        Func<DcrDbContext, CancellationToken, Task>? enlist,
        CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(registration);
        return EvictingAfterAsync(registration.ClientId, base.CreateAsync(registration, requestToken, requireUniqueSoftware, enlist, ct));
    }

    /// <inheritdoc />
    public override Task<StoreWriteResult> UpdateAsync(
        ClientRegistration registration,
        string expectedConcurrencyStamp,
        UsedRequestToken requestToken,
        Func<DcrDbContext, CancellationToken, Task>? enlist,
        CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(registration);
        return EvictingAfterAsync(
            registration.ClientId, base.UpdateAsync(registration, expectedConcurrencyStamp, requestToken, enlist, ct));
    }

    /// <inheritdoc />
    public override Task<StoreWriteResult> SetDisabledAsync(
        string clientId,
        bool disabled,
        Func<DcrDbContext, CancellationToken, Task>? enlist,
        CancellationToken ct)
        => EvictingAfterAsync(clientId, base.SetDisabledAsync(clientId, disabled, enlist, ct));

    /// <inheritdoc />
    public override Task<bool> DeleteAsync(string clientId, Func<DcrDbContext, CancellationToken, Task>? enlist, CancellationToken ct)
        => EvictingAfterAsync(clientId, base.DeleteAsync(clientId, enlist, ct));

    /// <inheritdoc />
    protected override async Task OnWritingAsync(DcrDbContext context, RegistrationWrite write, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(write);

        // Before the commit as well as after it (the public write methods): a token request reading the old row now
        // cannot put it back in the cache once this write is committed.
        _snapshots.Evict(write.ClientId);
        var transaction = context.Database.CurrentTransaction
            ?? throw new InvalidOperationException("OnWritingAsync must run inside the registration's transaction.");

        var lease = await _contexts.EnlistAsync(context.Database.GetDbConnection(), transaction.GetDbTransaction(), ct).ConfigureAwait(false);
        await using (lease.ConfigureAwait(false))
        {
            var openIddict = lease.Context;
            openIddict.Database.AutoSavepointsEnabled = false;
            var store = new OpenIddictEntityFrameworkCoreApplicationStore(Cache, new FixedContext(openIddict), EntityFrameworkOptions);

            // A new registration's client_id is new (the registration row's key is written in this transaction), so its
            // application is inserted without a query first. An existing application with that client_id, one not made
            // by this plug-in, fails the insert on OpenIddict's unique index and so the whole registration: it is never
            // taken over.
            var application = write.Kind == RegistrationWriteKind.Create
                ? null
                : await store.FindByClientIdAsync(write.ClientId, ct).ConfigureAwait(false);
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

    /// <summary>Runs a write, then drops the client's cached application whatever the outcome (after the commit).</summary>
    private async Task<T> EvictingAfterAsync<T>(string clientId, Task<T> write)
    {
        try
        {
            return await write.ConfigureAwait(false);
        }
        finally
        {
            _snapshots.Evict(clientId);
        }
    }

    /// <summary>The condition "the application of client {3} has concurrency token {4}", for the model's table and columns.</summary>
    private string ApplicationIsCurrent()
    {
        if (_applicationIsCurrent is { } built)
        {
            return built;
        }

        using var openIddict = _contexts.Rent();
        var entity = openIddict.Model.FindEntityType(typeof(OpenIddictEntityFrameworkCoreApplication))
            ?? throw new InvalidOperationException("The OpenIddict application entity is not in the model.");
        var table = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
        var helper = openIddict.GetService<ISqlGenerationHelper>();
        string Column(string property) => helper.DelimitIdentifier(entity.FindProperty(property)!.GetColumnName(table)!);
        return _applicationIsCurrent = $"EXISTS (SELECT 1 FROM {helper.DelimitIdentifier(table.Name, table.Schema)} "
            + $"WHERE {Column(nameof(OpenIddictEntityFrameworkCoreApplication.ClientId))} = {{3}} "
            + $"AND {Column(nameof(OpenIddictEntityFrameworkCoreApplication.ConcurrencyToken))} = {{4}})";
    }

    private sealed class FixedContext(DbContext context) : IOpenIddictEntityFrameworkCoreContext
    {
        public ValueTask<DbContext> GetDbContextAsync(CancellationToken cancellationToken) => new(context);
    }
}

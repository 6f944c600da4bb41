// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using Duende.IdentityServer;
using Duende.IdentityServer.EntityFramework.DbContexts;
using Duende.IdentityServer.EntityFramework.Mappers;
using Duende.IdentityServer.EntityFramework.Options;
using Duende.IdentityServer.Models;
using Duende.IdentityServer.Services;
using IdentityServer.Dcr.Duende.Logging;
using IdentityServer.Dcr.EntityFramework;
using IdentityServer.Dcr.EntityFramework.Stores;
using IdentityServer.Dcr.Models;
using IdentityServer.Dcr.Stores;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ClientSecretEntity = Duende.IdentityServer.EntityFramework.Entities.ClientSecret;

namespace IdentityServer.Dcr.Duende.Stores;

/// <summary>
/// Writes a registration in both stores at once: the engine's registration record (with its used request token) and
/// Duende's client in <see cref="ConfigurationDbContext"/>, in one database transaction on one connection.
/// </summary>
/// <remarks>
/// Duende's <c>IClientConfigurationStore</c> can only add a client, and in its own transaction; this store uses
/// <see cref="EntityFrameworkClientRegistrationStore"/>'s <c>enlist</c> overloads instead, so a registration is either
/// in both stores or in neither (a failed Duende write rolls back the registration and the request token). Both
/// contexts must therefore use the same database. Duende's context is resolved from DI (as the bank configured it with
/// <c>AddConfigurationStore</c>) and pointed at the registration store's open connection and transaction; do not enable
/// <c>ConfigurationStoreOptions.EnablePooling</c> for it.
/// </remarks>
public class DuendeClientRegistrationStore
{
    /// <summary>Creates the store.</summary>
    /// <param name="registrations">The engine's EF Core registration store.</param>
    /// <param name="scopes">Creates a scope per write for Duende's context.</param>
    /// <param name="logger">The logger.</param>
    public DuendeClientRegistrationStore(
        EntityFrameworkClientRegistrationStore registrations,
        IServiceScopeFactory scopes,
        ILogger<DuendeClientRegistrationStore> logger)
    {
        Registrations = registrations;
        Scopes = scopes;
        Logger = logger;
    }

    /// <summary>The engine's EF Core registration store.</summary>
    protected EntityFrameworkClientRegistrationStore Registrations { get; }

    /// <summary>Creates a scope per write for Duende's context.</summary>
    protected IServiceScopeFactory Scopes { get; }

    /// <summary>The logger.</summary>
    protected ILogger Logger { get; }

    /// <summary>Stores a new registration, its request token and the Duende client, atomically.</summary>
    /// <param name="registration">The engine's registration.</param>
    /// <param name="requestToken">The request token, recorded against replay.</param>
    /// <param name="requireUniqueSoftware">Whether to refuse when the <c>software_id</c> is already registered.</param>
    /// <param name="client">The Duende client built by the validator and processor.</param>
    /// <param name="ct">Cancels the operation.</param>
    /// <returns>The outcome; on anything but <see cref="StoreWriteResult.Success"/> nothing was written.</returns>
    public virtual Task<StoreWriteResult> CreateAsync(
        ClientRegistration registration,
        UsedRequestToken requestToken,
        bool requireUniqueSoftware,
        Client client,
        CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(client);
        return Registrations.CreateAsync(
            registration,
            requestToken,
            requireUniqueSoftware,
            (context, token) => WriteClientAsync(context, client, replace: false, token),
            ct);
    }

    /// <summary>Replaces a registration and its Duende client, atomically; shared secrets of the old client are kept.</summary>
    /// <param name="registration">The new registration state.</param>
    /// <param name="expectedConcurrencyStamp">The stamp read before the update.</param>
    /// <param name="requestToken">The request token, recorded against replay.</param>
    /// <param name="client">The new Duende client.</param>
    /// <param name="ct">Cancels the operation.</param>
    /// <returns>The outcome; on anything but <see cref="StoreWriteResult.Success"/> nothing was written.</returns>
    public virtual async Task<StoreWriteResult> UpdateAsync(
        ClientRegistration registration,
        string expectedConcurrencyStamp,
        UsedRequestToken requestToken,
        Client client,
        CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(client);
        var result = await Registrations.UpdateAsync(
            registration,
            expectedConcurrencyStamp,
            requestToken,
            (context, token) => WriteClientAsync(context, client, replace: true, token),
            ct).ConfigureAwait(false);
        if (result == StoreWriteResult.Success)
        {
            await EvictAsync(client.ClientId, "updated").ConfigureAwait(false);
        }

        return result;
    }

    /// <summary>
    /// Disables a registration and its Duende client (<see cref="Client.Enabled"/>), or enables both again, atomically;
    /// the client is then evicted from Duende's cache. Duende refuses a disabled client everywhere: authorize, PAR,
    /// token endpoint and the validation of the access tokens it already holds.
    /// </summary>
    /// <param name="clientId">The client identifier.</param>
    /// <param name="disabled"><see langword="true"/> to disable, <see langword="false"/> to enable.</param>
    /// <param name="ct">Cancels the operation.</param>
    /// <returns><see cref="StoreWriteResult.Success"/>, or <see cref="StoreWriteResult.NotFound"/>.</returns>
    public virtual async Task<StoreWriteResult> SetDisabledAsync(string clientId, bool disabled, CancellationToken ct)
    {
        var result = await Registrations.SetDisabledAsync(
            clientId,
            disabled,
            (context, token) => SetClientEnabledAsync(context, clientId, !disabled, token),
            ct).ConfigureAwait(false);
        if (result == StoreWriteResult.Success)
        {
            await EvictAsync(clientId, disabled ? "disabled" : "enabled").ConfigureAwait(false);
        }

        return result;
    }

    /// <summary>Deletes a registration and its Duende client, atomically.</summary>
    /// <param name="clientId">The client identifier.</param>
    /// <param name="ct">Cancels the operation.</param>
    /// <returns><see langword="true"/> when a registration was deleted.</returns>
    public virtual async Task<bool> DeleteAsync(string clientId, CancellationToken ct)
    {
        var deleted = await Registrations.DeleteAsync(clientId, (context, token) => RemoveClientAsync(context, clientId, token), ct)
            .ConfigureAwait(false);
        if (deleted)
        {
            await EvictAsync(clientId, "deleted").ConfigureAwait(false);
        }

        return deleted;
    }

    /// <summary>
    /// Removes the client from Duende's client cache (<see cref="ICache{T}"/> of <see cref="Client"/>, used by
    /// <c>CachingClientStore</c> when the bank calls <c>AddConfigurationStoreCache</c> or <c>AddClientStoreCache</c>),
    /// after the transaction committed, so the next lookup reads the new state: a deleted client's tokens are refused
    /// and an updated client's scopes and keys apply at once, not when the cache entry expires.
    /// </summary>
    /// <param name="clientId">The client identifier.</param>
    /// <param name="change">What happened to the client, for the log.</param>
    /// <returns>A task.</returns>
    /// <remarks>
    /// Without a cache there is nothing to do. A cache local to each node (Duende's default, on <c>IMemoryCache</c>) is
    /// evicted on this node only; banks running several nodes register an <see cref="ICache{T}"/> on a distributed cache
    /// or keep <c>Caching.ClientStoreExpiration</c> short.
    /// </remarks>
    protected virtual async Task EvictAsync(string clientId, string change)
    {
        var scope = Scopes.CreateAsyncScope();
        await using (scope.ConfigureAwait(false))
        {
            if (scope.ServiceProvider.GetService<ICache<Client>>() is { } cache)
            {
                await cache.RemoveAsync(clientId).ConfigureAwait(false);
                Logger.DuendeClientEvicted(clientId, change);
            }
        }
    }

    /// <summary>Writes the Duende client on the registration store's connection and transaction.</summary>
    /// <param name="registrations">The registration store's context, inside its transaction.</param>
    /// <param name="client">The client.</param>
    /// <param name="replace">Whether an existing client of the same id is replaced.</param>
    /// <param name="ct">Cancels the operation.</param>
    /// <returns>A task.</returns>
    protected virtual async Task WriteClientAsync(DcrDbContext registrations, Client client, bool replace, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(client);
        var scope = Scopes.CreateAsyncScope();
        await using (scope.ConfigureAwait(false))
        {
            var configuration = await JoinAsync(scope.ServiceProvider, registrations, ct).ConfigureAwait(false);
            var entity = client.ToEntity();
            if (replace)
            {
                var existing = await configuration.Clients
                    .Include(c => c.AllowedCorsOrigins)
                    .Include(c => c.AllowedGrantTypes)
                    .Include(c => c.AllowedScopes)
                    .Include(c => c.Claims)
                    .Include(c => c.ClientSecrets)
                    .Include(c => c.IdentityProviderRestrictions)
                    .Include(c => c.PostLogoutRedirectUris)
                    .Include(c => c.Properties)
                    .Include(c => c.RedirectUris)
                    .AsSplitQuery()
                    .SingleOrDefaultAsync(c => c.ClientId == client.ClientId, ct).ConfigureAwait(false);
                if (existing is not null)
                {
                    // Updated in place, keeping the row's key: Duende reads a client with split queries, and a delete
                    // and insert would give it a new key that a concurrent reader (token issuance or validation on
                    // another instance) could see half of. A shared secret is issued once, on creation: an update keeps
                    // it, and the client's creation time.
                    entity.Id = existing.Id;
                    entity.Created = existing.Created;
                    entity.Updated = DateTime.UtcNow;
                    var keptSecrets = existing.ClientSecrets
                        .Where(secret => secret.Type == IdentityServerConstants.SecretTypes.SharedSecret)
                        .Select(
                            secret => new ClientSecretEntity
                            {
                                Type = secret.Type,
                                Value = secret.Value,
                                Description = secret.Description,
                                Expiration = secret.Expiration,
                                Created = secret.Created,
                            })
                        .ToList();
                    configuration.Entry(existing).CurrentValues.SetValues(entity);
                    ReplaceAll(existing.AllowedCorsOrigins, entity.AllowedCorsOrigins);
                    ReplaceAll(existing.AllowedGrantTypes, entity.AllowedGrantTypes);
                    ReplaceAll(existing.AllowedScopes, entity.AllowedScopes);
                    ReplaceAll(existing.Claims, entity.Claims);
                    ReplaceAll(existing.ClientSecrets, [.. entity.ClientSecrets ?? [], .. keptSecrets]);
                    ReplaceAll(existing.IdentityProviderRestrictions, entity.IdentityProviderRestrictions);
                    ReplaceAll(existing.PostLogoutRedirectUris, entity.PostLogoutRedirectUris);
                    ReplaceAll(existing.Properties, entity.Properties);
                    ReplaceAll(existing.RedirectUris, entity.RedirectUris);
                    await configuration.SaveChangesAsync(ct).ConfigureAwait(false);
                    Logger.DuendeClientWritten(client.ClientId, replace);
                    return;
                }
            }

            configuration.Clients.Add(entity);
            await configuration.SaveChangesAsync(ct).ConfigureAwait(false);
            Logger.DuendeClientWritten(client.ClientId, replace);
        }
    }

    private static void ReplaceAll<T>(List<T> existing, List<T>? replacement)
    {
        existing.Clear();
        if (replacement is not null)
        {
            existing.AddRange(replacement);
        }
    }

    /// <summary>Removes the Duende client (its child rows cascade) on the registration store's connection and transaction.</summary>
    /// <param name="registrations">The registration store's context, inside its transaction.</param>
    /// <param name="clientId">The client identifier.</param>
    /// <param name="ct">Cancels the operation.</param>
    /// <returns>A task.</returns>
    protected virtual async Task RemoveClientAsync(DcrDbContext registrations, string clientId, CancellationToken ct)
    {
        var scope = Scopes.CreateAsyncScope();
        await using (scope.ConfigureAwait(false))
        {
            var configuration = await JoinAsync(scope.ServiceProvider, registrations, ct).ConfigureAwait(false);
            var count = await configuration.Clients.Where(c => c.ClientId == clientId).ExecuteDeleteAsync(ct).ConfigureAwait(false);
            Logger.DuendeClientRemoved(clientId, count);
        }
    }

    /// <summary>Sets the Duende client's <see cref="Client.Enabled"/> on the registration store's connection and transaction.</summary>
    /// <param name="registrations">The registration store's context, inside its transaction.</param>
    /// <param name="clientId">The client identifier.</param>
    /// <param name="enabled">Whether the client is enabled.</param>
    /// <param name="ct">Cancels the operation.</param>
    /// <returns>A task.</returns>
    protected virtual async Task SetClientEnabledAsync(DcrDbContext registrations, string clientId, bool enabled, CancellationToken ct)
    {
        var scope = Scopes.CreateAsyncScope();
        await using (scope.ConfigureAwait(false))
        {
            var configuration = await JoinAsync(scope.ServiceProvider, registrations, ct).ConfigureAwait(false);
            await configuration.Clients.Where(c => c.ClientId == clientId)
                .ExecuteUpdateAsync(setters => setters.SetProperty(c => c.Enabled, enabled).SetProperty(c => c.Updated, DateTime.UtcNow), ct)
                .ConfigureAwait(false);
        }
    }

    private static async Task<ConfigurationDbContext> JoinAsync(IServiceProvider services, DcrDbContext registrations, CancellationToken ct)
    {
        var transaction = registrations.Database.CurrentTransaction
            ?? throw new InvalidOperationException("The registration store called the Duende writer outside a transaction.");
        var configuration = services.GetRequiredService<ConfigurationDbContext>();
        configuration.StoreOptions ??= services.GetRequiredService<ConfigurationStoreOptions>();
        configuration.Database.SetDbConnection(registrations.Database.GetDbConnection(), contextOwnsConnection: false);
        await configuration.Database.UseTransactionAsync(transaction.GetDbTransaction(), ct).ConfigureAwait(false);
        return configuration;
    }
}

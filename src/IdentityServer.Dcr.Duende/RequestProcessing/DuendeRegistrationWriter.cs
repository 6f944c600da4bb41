// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using Duende.IdentityServer.Models;
using IdentityServer.Dcr.Configuration;
using IdentityServer.Dcr.Duende.Stores;
using IdentityServer.Dcr.Models;
using IdentityServer.Dcr.Processing;
using IdentityServer.Dcr.Registration;
using IdentityServer.Dcr.Stores;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IdentityServer.Dcr.Duende.RequestProcessing;

/// <summary>
/// The engine's writer (<see cref="RegistrationProcessor"/>: duplicate policy, the registration record, the update
/// retried on the latest version after a concurrent one, the engine's log events) on Duende: the client identifier and
/// shared secret are the ones Duende's processor steps issued, and every write stores Duende's <see cref="Client"/> in
/// the registration's transaction (<see cref="DuendeClientRegistrationStore"/>).
/// </summary>
/// <remarks>
/// <see cref="ObieDynamicClientRegistrationRequestProcessor"/> hands it the Duende client it built with
/// <see cref="Attach"/> before calling <see cref="RegistrationProcessor.CreateAsync"/> or
/// <see cref="RegistrationProcessor.UpdateAsync"/>.
/// </remarks>
public class DuendeRegistrationWriter : RegistrationProcessor
{
    private static readonly object ClientKey = new();
    private static readonly object SecretKey = new();

    /// <summary>Creates the writer.</summary>
    /// <param name="options">The engine options.</param>
    /// <param name="store">The engine's registration store (reads).</param>
    /// <param name="clients">Writes the registration and the Duende client atomically.</param>
    /// <param name="timeProvider">The clock.</param>
    /// <param name="secretHasher">The engine's secret hasher (not used for Duende's secrets; required by the base class).</param>
    /// <param name="logger">The logger.</param>
    public DuendeRegistrationWriter(
        IOptionsMonitor<DcrOptions> options,
        IClientRegistrationStore store,
        DuendeClientRegistrationStore clients,
        TimeProvider timeProvider,
        IClientSecretHasher secretHasher,
        ILogger<RegistrationProcessor> logger)
        : base(options, store, timeProvider, secretHasher, logger)
    {
        Clients = clients;
    }

    /// <summary>Writes the registration and the Duende client atomically.</summary>
    protected DuendeClientRegistrationStore Clients { get; }

    /// <summary>Gives the writer the Duende client of this request, and the shared secret Duende's processor issued for it.</summary>
    /// <param name="context">The request context.</param>
    /// <param name="client">The Duende client built by the validator and processor (its <see cref="Client.ClientId"/> set).</param>
    /// <param name="secret">The hashed shared secret (Duende's format), when one was issued.</param>
    /// <param name="plainText">The secret in clear, when one was issued.</param>
    public static void Attach(DcrRequestContext context, Client client, Secret? secret, string? plainText)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(client);
        context.Items[ClientKey] = client;
        context.Items[SecretKey] = secret is null || plainText is null
            ? null
            : new IssuedClientSecret(
                plainText,
                // Duende's hash (base64 SHA-256) in the engine's format, so both records describe the same secret.
                ClientSecretHasher.Sha256Prefix + secret.Value,
                secret.Expiration is { } expiration ? new DateTimeOffset(DateTime.SpecifyKind(expiration, DateTimeKind.Utc)) : null);
    }

    /// <summary>The Duende client of this request.</summary>
    /// <param name="context">The request context.</param>
    /// <returns>The client given to <see cref="Attach"/>.</returns>
    protected static Client ClientOf(DcrRequestContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Items.TryGetValue(ClientKey, out var client) && client is Client duende
            ? duende
            : throw new InvalidOperationException($"{nameof(DuendeRegistrationWriter)} needs the Duende client: call {nameof(Attach)} first.");
    }

    /// <summary>The identifier Duende's processor issued (<c>AddClientId</c>).</summary>
    /// <param name="context">The request context.</param>
    /// <returns>The client identifier.</returns>
    protected override string CreateClientId(DcrRequestContext context) => ClientOf(context).ClientId;

    /// <summary>The shared secret Duende's processor issued (<c>AddClientSecret</c>), if any.</summary>
    /// <param name="context">The request context.</param>
    /// <param name="now">The time of the registration.</param>
    /// <returns>The secret, or <see langword="null"/>.</returns>
    protected override IssuedClientSecret? IssueClientSecret(DcrRequestContext context, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Items.TryGetValue(SecretKey, out var secret) ? secret as IssuedClientSecret : null;
    }

    /// <inheritdoc />
    protected override Task<StoreWriteResult> WriteNewAsync(
        DcrRequestContext context,
        ClientRegistration registration,
        bool requireUniqueSoftware,
        CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(context);
        return Clients.CreateAsync(registration, context.UsedRequestToken!, requireUniqueSoftware, ClientOf(context), ct);
    }

    /// <summary>Replaces the registration and the Duende client; an operator's disable since the request was authorised is kept.</summary>
    /// <param name="context">The request context.</param>
    /// <param name="registration">The new state.</param>
    /// <param name="expectedConcurrencyStamp">The stamp read before the update.</param>
    /// <param name="ct">Cancels the operation.</param>
    /// <returns>The store's outcome.</returns>
    protected override Task<StoreWriteResult> WriteUpdateAsync(
        DcrRequestContext context,
        ClientRegistration registration,
        string expectedConcurrencyStamp,
        CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(registration);
        var client = ClientOf(context);
        client.Enabled = !registration.IsDisabled;
        return Clients.UpdateAsync(registration, expectedConcurrencyStamp, context.UsedRequestToken!, client, ct);
    }
}

// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using Duende.IdentityServer.Configuration;
using Duende.IdentityServer.Configuration.Configuration;
using Duende.IdentityServer.Configuration.Models;
using Duende.IdentityServer.Configuration.Models.DynamicClientRegistration;
using Duende.IdentityServer.Configuration.RequestProcessing;
using Duende.IdentityServer.Models;
using IdentityServer.Dcr.Configuration;
using IdentityServer.Dcr.Duende.Models;
using IdentityServer.Dcr.Duende.Stores;
using IdentityServer.Dcr.Models;
using IdentityServer.Dcr.Processing;
using IdentityServer.Dcr.Registration;
using IdentityServer.Dcr.ResponseGeneration;
using IdentityServer.Dcr.Stores;
using Microsoft.Extensions.Options;

namespace IdentityServer.Dcr.Duende.RequestProcessing;

/// <summary>
/// Duende's <see cref="DynamicClientRegistrationRequestProcessor"/> for OBIE: issues the client identifier (and a shared
/// secret only for the <c>client_secret_*</c> methods), writes the engine's registration and Duende's client atomically
/// (<see cref="DuendeClientRegistrationStore"/>), and answers with the engine's OBIE response body.
/// </summary>
/// <remarks>
/// Runs after <see cref="Validation.ObieDynamicClientRegistrationValidator"/>. Creates a client, or for an update
/// (<see cref="DcrRequestContext.Operation"/>) replaces it, keeping its identifier, issue time and secret. Raises the
/// engine's <see cref="DcrEvents"/> (<c>OnRequestValidated</c> before the write, <c>OnClientRegistered</c> after).
/// Override <see cref="AddClientId"/> or <see cref="DynamicClientRegistrationRequestProcessor.GenerateSecret"/> as with
/// Duende's processor. Duende's <see cref="IClientConfigurationStore"/> is not used: it cannot share the transaction.
/// </remarks>
public class ObieDynamicClientRegistrationRequestProcessor : DynamicClientRegistrationRequestProcessor
{
    private const int MaxUpdateAttempts = 5;

    /// <summary>Creates the processor.</summary>
    /// <param name="options">Duende's configuration options (secret lifetime).</param>
    /// <param name="store">Duende's client configuration store (required by the base class; not used).</param>
    /// <param name="clients">Writes both stores atomically.</param>
    /// <param name="registrations">The engine's registration store (re-read on a concurrent update).</param>
    /// <param name="responses">Builds the OBIE response body.</param>
    /// <param name="dcrOptions">The engine options.</param>
    /// <param name="events">The engine's events.</param>
    /// <param name="timeProvider">The clock.</param>
    public ObieDynamicClientRegistrationRequestProcessor(
        IdentityServerConfigurationOptions options,
        IClientConfigurationStore store,
        DuendeClientRegistrationStore clients,
        IClientRegistrationStore registrations,
        IRegistrationResponseGenerator responses,
        IOptionsMonitor<DcrOptions> dcrOptions,
        DcrEvents events,
        TimeProvider timeProvider)
        : base(options, store)
    {
        Clients = clients;
        Registrations = registrations;
        Responses = responses;
        DcrOptions = dcrOptions;
        Events = events;
        TimeProvider = timeProvider;
    }

    /// <summary>Writes both stores atomically.</summary>
    protected DuendeClientRegistrationStore Clients { get; }

    /// <summary>The engine's registration store.</summary>
    protected IClientRegistrationStore Registrations { get; }

    /// <summary>Builds the OBIE response body.</summary>
    protected IRegistrationResponseGenerator Responses { get; }

    /// <summary>The engine options.</summary>
    protected IOptionsMonitor<DcrOptions> DcrOptions { get; }

    /// <summary>The engine's events.</summary>
    protected DcrEvents Events { get; }

    /// <summary>The clock.</summary>
    protected TimeProvider TimeProvider { get; }

    /// <inheritdoc />
    /// <exception cref="DcrInfrastructureException">The store is unavailable (answer 503).</exception>
    public override async Task<IDynamicClientRegistrationResponse> ProcessAsync(DynamicClientRegistrationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var obie = context as ObieDynamicClientRegistrationContext
            ?? throw new InvalidOperationException("The OBIE processor needs the context built by the OBIE endpoints.");
        var dcr = obie.Dcr;
        await Events.RequestValidatedAsync(dcr).ConfigureAwait(false);
        if (dcr.Error is not null)
        {
            return ToError(dcr.Error);
        }

        var existing = dcr.ExistingRegistration;
        if (dcr.Operation == DcrOperation.Update && existing is not null)
        {
            context.Client.ClientId = existing.ClientId;
        }
        else if (await AddClientId(context).ConfigureAwait(false) is DynamicClientRegistrationError idError)
        {
            return idError;
        }

        if (await AddClientSecret(context).ConfigureAwait(false) is DynamicClientRegistrationError secretError)
        {
            return secretError;
        }

        var secret = context.Items.TryGetValue("secret", out var s) ? s as Secret : null;
        var plainText = context.Items.TryGetValue("plainText", out var p) ? p as string : null;
        var result = dcr.Operation == DcrOperation.Update
            ? await UpdateAsync(obie, existing ?? throw new InvalidOperationException("An update needs DcrRequestContext.ExistingRegistration.")).ConfigureAwait(false)
            : await CreateAsync(obie, secret).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            return ToError(result.Error);
        }

        dcr.Registration = result.Value;
        await Events.ClientRegisteredAsync(dcr).ConfigureAwait(false);
        return new ObieDynamicClientRegistrationResponse(Responses.CreateResponse(result.Value, plainText))
        {
            ClientId = result.Value.ClientId,
            ClientSecret = plainText,
            ClientSecretExpiresAt = plainText is null ? null : result.Value.ClientSecretExpiresAt?.ToUnixTimeSeconds() ?? 0,
        };
    }

    /// <summary>A random UUID (36 characters, the OBIE limit), as the engine issues.</summary>
    /// <param name="context">The registration context.</param>
    /// <returns>Success.</returns>
    protected override Task<IStepResult> AddClientId(DynamicClientRegistrationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Client.ClientId = Guid.NewGuid().ToString("D");
        return StepResult.Success();
    }

    /// <summary>
    /// A shared secret (Duende's, hashed) only for <c>client_secret_basic</c>/<c>_post</c>/<c>_jwt</c> on creation;
    /// <c>private_key_jwt</c> and <c>tls_client_auth</c> clients get none, and an update keeps the existing secret.
    /// </summary>
    /// <param name="context">The registration context.</param>
    /// <returns>Success.</returns>
    protected override Task<IStepResult> AddClientSecret(DynamicClientRegistrationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var obie = (ObieDynamicClientRegistrationContext)context;
        return obie.Dcr.Operation == DcrOperation.Create && RegistrationProcessor.SecretMethods.Contains(obie.Dcr.Metadata!.TokenEndpointAuthMethod)
            ? base.AddClientSecret(context)
            : StepResult.Success();
    }

    /// <summary>Builds the engine's registration and writes it with the Duende client.</summary>
    /// <param name="context">The registration context.</param>
    /// <param name="secret">The hashed shared secret, when one was issued.</param>
    /// <returns>The stored registration, or the error.</returns>
    protected virtual async Task<DcrResult<ClientRegistration>> CreateAsync(ObieDynamicClientRegistrationContext context, Secret? secret)
    {
        ArgumentNullException.ThrowIfNull(context);
        var dcr = context.Dcr;
        var ssa = dcr.SoftwareStatement!;
        var now = TimeProvider.GetUtcNow();
        var registration = new ClientRegistration
        {
            ClientId = context.Client.ClientId,
            ClientIdIssuedAt = DateTimeOffset.FromUnixTimeSeconds(now.ToUnixTimeSeconds()),
            SoftwareId = ssa.SoftwareId,
            OrganisationId = ssa.OrganisationId,
            SoftwareStatementIssuer = ssa.Issuer,
            Metadata = dcr.Metadata!,
            SoftwareStatement = ssa.Jwt,
            SoftwareStatementClaims = ssa.Claims.GetRawText(),
            // Duende's hash (base64 SHA-256) in the engine's format, so both records describe the same secret.
            ClientSecretHash = secret is null ? null : ClientSecretHasher.Sha256Prefix + secret.Value,
            ClientSecretExpiresAt = secret?.Expiration is { } expiration ? new DateTimeOffset(DateTime.SpecifyKind(expiration, DateTimeKind.Utc)) : null,
            UpdatedAt = now,
            ConcurrencyStamp = Guid.NewGuid().ToString("N"),
            TransportCertificate = TransportCertificateInfo.From(dcr.Request.ClientCertificate),
        };

        var unique = DcrOptions.CurrentValue.Registration.DuplicateRegistrations == DuplicateRegistrationPolicy.Reject;
        var result = await Clients.CreateAsync(registration, dcr.UsedRequestToken!, unique, context.Client, context.CancellationToken).ConfigureAwait(false);
        return result switch
        {
            StoreWriteResult.Success => DcrResult.Success(registration),
            StoreWriteResult.RequestTokenReplayed => DcrResult.Failure<ClientRegistration>(DcrError.InvalidClientMetadata(DcrErrorDescriptions.JtiReplayed)),
            StoreWriteResult.DuplicateSoftware => DcrResult.Failure<ClientRegistration>(RegistrationProcessor.DuplicateError),
            _ => throw new DcrInfrastructureException($"The registration store answered {result} to a new registration."),
        };
    }

    /// <summary>Replaces the registration and the Duende client, retrying on the latest version after a concurrent update.</summary>
    /// <param name="context">The registration context.</param>
    /// <param name="existing">The registration being replaced.</param>
    /// <returns>The stored registration, or the error.</returns>
    protected virtual async Task<DcrResult<ClientRegistration>> UpdateAsync(ObieDynamicClientRegistrationContext context, ClientRegistration existing)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(existing);
        var dcr = context.Dcr;
        var ssa = dcr.SoftwareStatement!;
        var ct = context.CancellationToken;
        for (var attempt = 0; attempt < MaxUpdateAttempts; attempt++)
        {
            var updated = existing.ReplacedBy(ssa, dcr.Metadata!, TimeProvider.GetUtcNow(), TransportCertificateInfo.From(dcr.Request.ClientCertificate));

            // An operator may have disabled the client since the request was authorised: the update keeps that.
            context.Client.Enabled = !updated.IsDisabled;
            var result = await Clients.UpdateAsync(updated, existing.ConcurrencyStamp, dcr.UsedRequestToken!, context.Client, ct).ConfigureAwait(false);
            switch (result)
            {
                case StoreWriteResult.Success:
                    return DcrResult.Success(updated);
                case StoreWriteResult.RequestTokenReplayed:
                    return DcrResult.Failure<ClientRegistration>(DcrError.InvalidClientMetadata(DcrErrorDescriptions.JtiReplayed));
                case StoreWriteResult.NotFound:
                    return DcrResult.Failure<ClientRegistration>(DcrError.InvalidClientMetadata("The client was deleted while this update was processed."));
                case StoreWriteResult.ConcurrencyConflict:
                    existing = await Registrations.FindByClientIdAsync(existing.ClientId, ct).ConfigureAwait(false)
                        ?? throw new DcrInfrastructureException("The registration disappeared during a concurrent update.");
                    continue;
                default:
                    throw new DcrInfrastructureException($"The registration store answered {result} to an update.");
            }
        }

        throw new DcrInfrastructureException($"The registration could not be updated after {MaxUpdateAttempts} concurrent attempts.");
    }

    private static DynamicClientRegistrationError ToError(DcrError error) => new(error.Error, error.ErrorDescription);
}

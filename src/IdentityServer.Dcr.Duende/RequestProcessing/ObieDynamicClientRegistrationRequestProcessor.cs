// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using Duende.IdentityServer.Configuration;
using Duende.IdentityServer.Configuration.Configuration;
using Duende.IdentityServer.Configuration.Models;
using Duende.IdentityServer.Configuration.Models.DynamicClientRegistration;
using Duende.IdentityServer.Configuration.RequestProcessing;
using Duende.IdentityServer.Models;
using IdentityServer.Dcr.Duende.Models;
using IdentityServer.Dcr.Duende.Stores;
using IdentityServer.Dcr.Processing;
using IdentityServer.Dcr.Registration;
using IdentityServer.Dcr.ResponseGeneration;

namespace IdentityServer.Dcr.Duende.RequestProcessing;

/// <summary>
/// Duende's <see cref="DynamicClientRegistrationRequestProcessor"/> for OBIE: issues the client identifier (and a shared
/// secret only for the <c>client_secret_*</c> methods), writes the engine's registration and Duende's client atomically
/// through the engine's writer (<see cref="DuendeRegistrationWriter"/>, on <see cref="DuendeClientRegistrationStore"/>),
/// and answers with the engine's OBIE response body.
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
    /// <summary>Creates the processor.</summary>
    /// <param name="options">Duende's configuration options (secret lifetime).</param>
    /// <param name="store">Duende's client configuration store (required by the base class; not used).</param>
    /// <param name="writer">The engine's writer on Duende: builds and stores the registration with the Duende client.</param>
    /// <param name="responses">Builds the OBIE response body.</param>
    /// <param name="events">The engine's events.</param>
    public ObieDynamicClientRegistrationRequestProcessor(
        IdentityServerConfigurationOptions options,
        IClientConfigurationStore store,
        DuendeRegistrationWriter writer,
        IRegistrationResponseGenerator responses,
        DcrEvents events)
        : base(options, store)
    {
        Writer = writer;
        Responses = responses;
        Events = events;
    }

    /// <summary>The engine's writer on Duende.</summary>
    protected DuendeRegistrationWriter Writer { get; }

    /// <summary>Builds the OBIE response body.</summary>
    protected IRegistrationResponseGenerator Responses { get; }

    /// <summary>The engine's events.</summary>
    protected DcrEvents Events { get; }

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

        var update = dcr.Operation == DcrOperation.Update;
        if (update)
        {
            context.Client.ClientId = (
                dcr.ExistingRegistration ?? throw new InvalidOperationException("An update needs DcrRequestContext.ExistingRegistration.")).ClientId;
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
        DuendeRegistrationWriter.Attach(dcr, context.Client, secret, plainText);
        var result = update
            ? await Writer.UpdateAsync(dcr, obie.CancellationToken).ConfigureAwait(false)
            : await Writer.CreateAsync(dcr, obie.CancellationToken).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            return ToError(result.Error);
        }

        var registration = result.Value.Registration;
        dcr.Registration = registration;
        await Events.ClientRegisteredAsync(dcr).ConfigureAwait(false);
        return new ObieDynamicClientRegistrationResponse(Responses.CreateResponse(registration, result.Value.ClientSecret))
        {
            ClientId = registration.ClientId,
            ClientSecret = result.Value.ClientSecret,
            ClientSecretExpiresAt = result.Value.ClientSecret is null ? null : registration.ClientSecretExpiresAt?.ToUnixTimeSeconds() ?? 0,
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

    private static DynamicClientRegistrationError ToError(DcrError error) => new(error.Error, error.ErrorDescription);
}

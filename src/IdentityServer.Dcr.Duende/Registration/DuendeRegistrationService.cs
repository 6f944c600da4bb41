// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Security.Claims;
using System.Text.Json.Nodes;
using Duende.IdentityServer.Configuration.Models;
using Duende.IdentityServer.Configuration.Models.DynamicClientRegistration;
using Duende.IdentityServer.Configuration.RequestProcessing;
using Duende.IdentityServer.Configuration.Validation.DynamicClientRegistration;
using IdentityServer.Dcr.Diagnostics;
using IdentityServer.Dcr.Duende.Models;
using IdentityServer.Dcr.Duende.Stores;
using IdentityServer.Dcr.Models;
using IdentityServer.Dcr.Registration;
using IdentityServer.Dcr.ResponseGeneration;
using IdentityServer.Dcr.Stores;
using Microsoft.Extensions.Logging;

namespace IdentityServer.Dcr.Duende.Registration;

/// <summary>
/// The engine's <see cref="IRegistrationService"/> on Duende: registrations and updates run through Duende's
/// <see cref="IDynamicClientRegistrationValidator"/> and <see cref="IDynamicClientRegistrationRequestProcessor"/>
/// (the OBIE ones by default); reads come from the engine's store; deletes remove both records atomically.
/// </summary>
/// <remarks>
/// The management endpoints (<c>GET</c>/<c>PUT</c>/<c>DELETE {path}/{ClientId}</c>) call it through
/// <see cref="IRegistrationService"/>; the registration endpoint calls <see cref="RunAsync"/> so that Duende's response
/// generator writes the answer.
/// </remarks>
public class DuendeRegistrationService : IRegistrationService
{
    /// <summary>Creates the service.</summary>
    /// <param name="validator">Duende's registration validator.</param>
    /// <param name="processor">Duende's registration processor.</param>
    /// <param name="registrations">The engine's registration store.</param>
    /// <param name="clients">Writes both stores atomically.</param>
    /// <param name="responses">Builds the OBIE response body.</param>
    /// <param name="refusals">Logs, audits and raises the event of a refusal, as the engine's service does.</param>
    /// <param name="logger">The logger.</param>
    public DuendeRegistrationService(
        IDynamicClientRegistrationValidator validator,
        IDynamicClientRegistrationRequestProcessor processor,
        IClientRegistrationStore registrations,
        DuendeClientRegistrationStore clients,
        IRegistrationResponseGenerator responses,
        RegistrationRefusals refusals,
        ILogger<DuendeRegistrationService> logger)
    {
        Validator = validator;
        Processor = processor;
        Registrations = registrations;
        Clients = clients;
        Responses = responses;
        Refusals = refusals;
        Logger = logger;
    }

    /// <summary>Duende's registration validator.</summary>
    protected IDynamicClientRegistrationValidator Validator { get; }

    /// <summary>Duende's registration processor.</summary>
    protected IDynamicClientRegistrationRequestProcessor Processor { get; }

    /// <summary>The engine's registration store.</summary>
    protected IClientRegistrationStore Registrations { get; }

    /// <summary>Writes both stores atomically.</summary>
    protected DuendeClientRegistrationStore Clients { get; }

    /// <summary>Builds the OBIE response body.</summary>
    protected IRegistrationResponseGenerator Responses { get; }

    /// <summary>Logs, audits and raises the event of a refusal.</summary>
    protected RegistrationRefusals Refusals { get; }

    /// <summary>The logger.</summary>
    protected ILogger Logger { get; }

    /// <summary>
    /// Runs Duende's validator, then (on success) its processor; a refusal from either is logged, audited and raised as
    /// the engine's rejection event (<see cref="RegistrationRefusals"/>), exactly as on the engine's own path.
    /// </summary>
    /// <param name="context">The registration context.</param>
    /// <returns>A <see cref="DynamicClientRegistrationError"/> or a <see cref="DynamicClientRegistrationResponse"/>.</returns>
    /// <exception cref="DcrInfrastructureException">A dependency failed (answer 503); nothing was stored.</exception>
    public virtual Task<IDynamicClientRegistrationResponse> RunAsync(ObieDynamicClientRegistrationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return DcrTelemetry.MeasureRegistrationAsync(
            context.Dcr.Operation == DcrOperation.Update ? "update" : "create",
            () => RunCoreAsync(context),
            response => response is DynamicClientRegistrationError error ? error.Error : null);
    }

    private async Task<IDynamicClientRegistrationResponse> RunCoreAsync(ObieDynamicClientRegistrationContext context)
    {
        var validation = await Validator.ValidateAsync(context).ConfigureAwait(false);
        var response = validation is DynamicClientRegistrationError validationError
            ? validationError
            : await Processor.ProcessAsync(context).ConfigureAwait(false);
        if (response is DynamicClientRegistrationError error)
        {
            await Refusals.RefuseAsync(context.Dcr, new DcrError(error.Error, error.ErrorDescription)).ConfigureAwait(false);
        }

        return response;
    }

    /// <inheritdoc />
    public virtual async Task<DcrResult<JsonObject>> RegisterAsync(DcrRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var context = new ObieDynamicClientRegistrationContext(new DcrRequestContext(request), new ClaimsPrincipal(new ClaimsIdentity()), ct);
        return ToResult(await RunAsync(context).ConfigureAwait(false));
    }

    /// <inheritdoc />
    public virtual async Task<DcrResult<JsonObject>> UpdateAsync(string clientId, DcrRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(clientId);
        ArgumentNullException.ThrowIfNull(request);
        var existing = await Registrations.FindByClientIdAsync(clientId, ct).ConfigureAwait(false);
        return existing is null
            ? DcrResult.Failure<JsonObject>(DcrError.InvalidClientMetadata(DcrErrorDescriptions.ClientNotFound))
            : await UpdateAsync(existing, request, ct).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public virtual async Task<DcrResult<JsonObject>> UpdateAsync(ClientRegistration existing, DcrRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(existing);
        ArgumentNullException.ThrowIfNull(request);
        var dcr = new DcrRequestContext(request, DcrOperation.Update) { ExistingRegistration = existing };
        var context = new ObieDynamicClientRegistrationContext(dcr, new ClaimsPrincipal(new ClaimsIdentity()), ct);
        return ToResult(await RunAsync(context).ConfigureAwait(false));
    }

    /// <inheritdoc />
    public virtual async Task<JsonObject?> GetAsync(string clientId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(clientId);
        var registration = await Registrations.FindByClientIdAsync(clientId, ct).ConfigureAwait(false);
        return registration is null ? null : Responses.CreateResponse(registration, null);
    }

    /// <inheritdoc />
    public virtual Task<JsonObject?> GetAsync(ClientRegistration registration, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(registration);
        return Task.FromResult<JsonObject?>(Responses.CreateResponse(registration, null));
    }

    /// <inheritdoc />
    public virtual async Task<bool> SetDisabledAsync(string clientId, bool disabled, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(clientId);
        return await Clients.SetDisabledAsync(clientId, disabled, ct).ConfigureAwait(false) == StoreWriteResult.Success;
    }

    /// <inheritdoc />
    public virtual Task<bool> DeleteAsync(string clientId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(clientId);
        return DcrTelemetry.MeasureRegistrationAsync("delete", () => Clients.DeleteAsync(clientId, ct), deleted => deleted ? null : "not_found");
    }

    private static DcrResult<JsonObject> ToResult(IDynamicClientRegistrationResponse response) => response switch
    {
        ObieDynamicClientRegistrationResponse success => DcrResult.Success(success.Body),
        DynamicClientRegistrationError error => DcrResult.Failure<JsonObject>(new DcrError(error.Error, error.ErrorDescription)),
        _ => throw new InvalidOperationException(
            $"The registration processor returned {response.GetType().Name}; the OBIE service needs an "
            + $"{nameof(ObieDynamicClientRegistrationResponse)}."),
    };
}

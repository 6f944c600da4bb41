// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Text.Json.Nodes;
using IdentityServer.Dcr.Diagnostics;
using IdentityServer.Dcr.Logging;
using IdentityServer.Dcr.Models;
using IdentityServer.Dcr.Processing;
using IdentityServer.Dcr.ResponseGeneration;
using IdentityServer.Dcr.Stores;
using Microsoft.Extensions.Logging;

namespace IdentityServer.Dcr.Registration;

/// <summary>The default <see cref="IRegistrationService"/>: runs the stages in the documented order.</summary>
public class RegistrationService : IRegistrationService
{
    /// <summary>Creates the service.</summary>
    /// <param name="validator">Runs every validation stage.</param>
    /// <param name="processor">Stores the client.</param>
    /// <param name="responseGenerator">Builds the response.</param>
    /// <param name="store">The registration store.</param>
    /// <param name="events">The events.</param>
    /// <param name="refusals">Logs, audits and raises the event of a refusal (the store records successful changes itself).</param>
    /// <param name="logger">The logger.</param>
    public RegistrationService(
        IRegistrationValidator validator,
        IRegistrationProcessor processor,
        IRegistrationResponseGenerator responseGenerator,
        IClientRegistrationStore store,
        DcrEvents events,
        RegistrationRefusals refusals,
        ILogger<RegistrationService> logger)
    {
        Refusals = refusals;
        Store = store;
        Validator = validator;
        Processor = processor;
        ResponseGenerator = responseGenerator;
        Events = events;
        Logger = logger;
    }

    /// <summary>Runs every validation stage.</summary>
    protected IRegistrationValidator Validator { get; }

    /// <summary>Stores the client.</summary>
    protected IRegistrationProcessor Processor { get; }

    /// <summary>Builds the response.</summary>
    protected IRegistrationResponseGenerator ResponseGenerator { get; }

    /// <summary>The registration store.</summary>
    protected IClientRegistrationStore Store { get; }

    /// <summary>The events.</summary>
    protected DcrEvents Events { get; }

    /// <summary>Logs, audits and raises the event of a refusal.</summary>
    protected RegistrationRefusals Refusals { get; }

    /// <summary>The logger.</summary>
    protected ILogger Logger { get; }

    /// <inheritdoc />
    public virtual Task<DcrResult<JsonObject>> RegisterAsync(DcrRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        return DcrTelemetry.MeasureRegistrationAsync("create", () => RegisterCoreAsync(request, ct), r => r.Error?.Error);
    }

    private async Task<DcrResult<JsonObject>> RegisterCoreAsync(DcrRequest request, CancellationToken ct)
    {
        var context = new DcrRequestContext(request);
        try
        {
            var result = await ValidateAsync(context, ct).ConfigureAwait(false);
            if (!result.Succeeded)
            {
                return await RejectAsync(context, result.Error).ConfigureAwait(false);
            }

            await Events.RequestValidatedAsync(context).ConfigureAwait(false);
            if (context.Error is not null)
            {
                return await RejectAsync(context, context.Error).ConfigureAwait(false);
            }

            var outcome = await DcrTelemetry.MeasureStageAsync("store", () => Processor.CreateAsync(context, ct), o => o.Error).ConfigureAwait(false);
            if (!outcome.Succeeded)
            {
                return await RejectAsync(context, outcome.Error).ConfigureAwait(false);
            }

            context.Registration = outcome.Value.Registration;
            await Events.ClientRegisteredAsync(context).ConfigureAwait(false);
            return DcrResult.Success(ResponseGenerator.CreateResponse(outcome.Value.Registration, outcome.Value.ClientSecret));
        }
        catch (DcrInfrastructureException exception)
        {
            Logger.RequestInfrastructureFailure(exception);
            throw;
        }
    }

    /// <inheritdoc />
    public virtual Task<DcrResult<JsonObject>> UpdateAsync(string clientId, DcrRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(clientId);
        ArgumentNullException.ThrowIfNull(request);
        return DcrTelemetry.MeasureRegistrationAsync("update", () => UpdateCoreAsync(clientId, null, request, ct), r => r.Error?.Error);
    }

    /// <inheritdoc />
    public virtual Task<DcrResult<JsonObject>> UpdateAsync(ClientRegistration existing, DcrRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(existing);
        ArgumentNullException.ThrowIfNull(request);
        return DcrTelemetry.MeasureRegistrationAsync("update", () => UpdateCoreAsync(existing.ClientId, existing, request, ct), r => r.Error?.Error);
    }

    private async Task<DcrResult<JsonObject>> UpdateCoreAsync(string clientId, ClientRegistration? existing, DcrRequest request, CancellationToken ct)
    {
        var context = new DcrRequestContext(request, DcrOperation.Update);
        try
        {
            context.ExistingRegistration = existing ?? await Store.FindByClientIdAsync(clientId, ct).ConfigureAwait(false);
            if (context.ExistingRegistration is null)
            {
                return await RejectAsync(context, DcrError.InvalidClientMetadata(DcrErrorDescriptions.ClientNotFound)).ConfigureAwait(false);
            }

            var result = await ValidateAsync(context, ct).ConfigureAwait(false);
            if (!result.Succeeded)
            {
                return await RejectAsync(context, result.Error).ConfigureAwait(false);
            }

            await Events.RequestValidatedAsync(context).ConfigureAwait(false);
            if (context.Error is not null)
            {
                return await RejectAsync(context, context.Error).ConfigureAwait(false);
            }

            var outcome = await DcrTelemetry.MeasureStageAsync("store", () => Processor.UpdateAsync(context, ct), o => o.Error).ConfigureAwait(false);
            if (!outcome.Succeeded)
            {
                return await RejectAsync(context, outcome.Error).ConfigureAwait(false);
            }

            context.Registration = outcome.Value.Registration;
            await Events.ClientRegisteredAsync(context).ConfigureAwait(false);
            return DcrResult.Success(ResponseGenerator.CreateResponse(outcome.Value.Registration, outcome.Value.ClientSecret));
        }
        catch (DcrInfrastructureException exception)
        {
            Logger.RequestInfrastructureFailure(exception);
            throw;
        }
    }

    /// <inheritdoc />
    public virtual async Task<JsonObject?> GetAsync(string clientId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(clientId);
        var registration = await Store.FindByClientIdAsync(clientId, ct).ConfigureAwait(false);
        return registration is null ? null : ResponseGenerator.CreateResponse(registration, null);
    }

    /// <inheritdoc />
    public virtual Task<JsonObject?> GetAsync(ClientRegistration registration, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(registration);
        return Task.FromResult<JsonObject?>(ResponseGenerator.CreateResponse(registration, null));
    }

    /// <inheritdoc />
    public virtual async Task<bool> SetDisabledAsync(string clientId, bool disabled, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(clientId);
        var found = await Store.SetDisabledAsync(clientId, disabled, ct).ConfigureAwait(false) == StoreWriteResult.Success;
        if (found)
        {
            Logger.ClientDisabledChanged(clientId, disabled);
        }

        return found;
    }

    /// <inheritdoc />
    public virtual Task<bool> DeleteAsync(string clientId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(clientId);
        return DcrTelemetry.MeasureRegistrationAsync("delete", async () =>
        {
            var deleted = await Store.DeleteAsync(clientId, ct).ConfigureAwait(false);
            if (deleted)
            {
                Logger.ClientDeleted(clientId);
            }

            return deleted;
        }, deleted => deleted ? null : "not_found");
    }

    /// <summary>Runs every validation stage in order (<see cref="IRegistrationValidator"/>), stopping at the first failure.</summary>
    /// <param name="context">The request context.</param>
    /// <param name="ct">Cancels the operation.</param>
    /// <returns>Success, or the error to return.</returns>
    protected virtual Task<DcrStepResult> ValidateAsync(DcrRequestContext context, CancellationToken ct)
        => Validator.ValidateAsync(context, ct);

    private async Task<DcrResult<JsonObject>> RejectAsync(DcrRequestContext context, DcrError error)
        => DcrResult.Failure<JsonObject>(await Refusals.RefuseAsync(context, error).ConfigureAwait(false));
}

// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Text.Json.Nodes;
using IdentityServer.Dcr.Logging;
using IdentityServer.Dcr.Processing;
using IdentityServer.Dcr.RequestParsing;
using IdentityServer.Dcr.ResponseGeneration;
using IdentityServer.Dcr.Stores;
using IdentityServer.Dcr.Validation;
using Microsoft.Extensions.Logging;

namespace IdentityServer.Dcr.Registration;

/// <summary>The default <see cref="IRegistrationService"/>: runs the stages in the documented order.</summary>
public class RegistrationService : IRegistrationService
{
    /// <summary>Creates the service.</summary>
    /// <param name="reader">Reads the body.</param>
    /// <param name="transport">Checks the transport certificate.</param>
    /// <param name="softwareStatement">Verifies the SSA.</param>
    /// <param name="requestObject">Verifies the request JWS.</param>
    /// <param name="metadata">Validates the metadata.</param>
    /// <param name="processor">Stores the client.</param>
    /// <param name="responseGenerator">Builds the response.</param>
    /// <param name="store">The registration store.</param>
    /// <param name="events">The events.</param>
    /// <param name="logger">The logger.</param>
    public RegistrationService(
        IRegistrationRequestReader reader,
        ITransportCertificateValidator transport,
        ISoftwareStatementValidator softwareStatement,
        IRequestObjectValidator requestObject,
        IClientMetadataValidator metadata,
        IRegistrationProcessor processor,
        IRegistrationResponseGenerator responseGenerator,
        IClientRegistrationStore store,
        DcrEvents events,
        ILogger<RegistrationService> logger)
    {
        Store = store;
        Reader = reader;
        Transport = transport;
        SoftwareStatement = softwareStatement;
        RequestObject = requestObject;
        Metadata = metadata;
        Processor = processor;
        ResponseGenerator = responseGenerator;
        Events = events;
        Logger = logger;
    }

    /// <summary>Reads the body.</summary>
    protected IRegistrationRequestReader Reader { get; }

    /// <summary>Checks the transport certificate.</summary>
    protected ITransportCertificateValidator Transport { get; }

    /// <summary>Verifies the SSA.</summary>
    protected ISoftwareStatementValidator SoftwareStatement { get; }

    /// <summary>Verifies the request JWS.</summary>
    protected IRequestObjectValidator RequestObject { get; }

    /// <summary>Validates the metadata.</summary>
    protected IClientMetadataValidator Metadata { get; }

    /// <summary>Stores the client.</summary>
    protected IRegistrationProcessor Processor { get; }

    /// <summary>Builds the response.</summary>
    protected IRegistrationResponseGenerator ResponseGenerator { get; }

    /// <summary>The registration store.</summary>
    protected IClientRegistrationStore Store { get; }

    /// <summary>The events.</summary>
    protected DcrEvents Events { get; }

    /// <summary>The logger.</summary>
    protected ILogger Logger { get; }

    /// <inheritdoc />
    public virtual async Task<DcrResult<JsonObject>> RegisterAsync(DcrRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
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

            var outcome = await Processor.CreateAsync(context, ct).ConfigureAwait(false);
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
    public virtual async Task<DcrResult<JsonObject>> UpdateAsync(string clientId, DcrRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(clientId);
        ArgumentNullException.ThrowIfNull(request);
        var context = new DcrRequestContext(request, DcrOperation.Update);
        try
        {
            context.ExistingRegistration = await Store.FindByClientIdAsync(clientId, ct).ConfigureAwait(false);
            if (context.ExistingRegistration is null)
            {
                return await RejectAsync(context, DcrError.InvalidClientMetadata("The client does not exist.")).ConfigureAwait(false);
            }

            var result = await ValidateAsync(context, ct).ConfigureAwait(false);
            if (result.Succeeded)
            {
                result = ValidateSameSoftware(context);
            }

            if (!result.Succeeded)
            {
                return await RejectAsync(context, result.Error).ConfigureAwait(false);
            }

            await Events.RequestValidatedAsync(context).ConfigureAwait(false);
            if (context.Error is not null)
            {
                return await RejectAsync(context, context.Error).ConfigureAwait(false);
            }

            var outcome = await Processor.UpdateAsync(context, ct).ConfigureAwait(false);
            if (!outcome.Succeeded)
            {
                return await RejectAsync(context, outcome.Error).ConfigureAwait(false);
            }

            context.Registration = outcome.Value.Registration;
            await Events.ClientRegisteredAsync(context).ConfigureAwait(false);
            return DcrResult.Success(ResponseGenerator.CreateResponse(outcome.Value.Registration, null));
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
    public virtual async Task<bool> DeleteAsync(string clientId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(clientId);
        var deleted = await Store.DeleteAsync(clientId, ct).ConfigureAwait(false);
        if (deleted)
        {
            Logger.ClientDeleted(clientId);
        }

        return deleted;
    }

    /// <summary>
    /// An update may not move a client to another software or organisation: the software statement must name the
    /// registration's own.
    /// </summary>
    /// <param name="context">The validated update context.</param>
    /// <returns>Success, or the error to return.</returns>
    protected virtual DcrStepResult ValidateSameSoftware(DcrRequestContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var existing = context.ExistingRegistration!;
        var ssa = context.SoftwareStatement!;
        if (string.Equals(existing.SoftwareId, ssa.SoftwareId, StringComparison.Ordinal)
            && string.Equals(existing.OrganisationId, ssa.OrganisationId, StringComparison.Ordinal))
        {
            return DcrStepResult.Success;
        }

        Logger.UpdateMovesClient(existing.ClientId, ssa.SoftwareId, ssa.OrganisationId);
        return DcrError.UnapprovedSoftwareStatement("The software statement is for another software or organisation than this client; a client cannot be moved.");
    }

    /// <summary>Runs every validation stage in order, stopping at the first failure.</summary>
    /// <param name="context">The request context.</param>
    /// <param name="ct">Cancels the operation.</param>
    /// <returns>Success, or the error to return.</returns>
    protected virtual async Task<DcrStepResult> ValidateAsync(DcrRequestContext context, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(context);
        DcrStepResult result;
        if (!(result = Reader.Read(context)).Succeeded
            || !(result = await Transport.ValidateCertificateAsync(context, ct).ConfigureAwait(false)).Succeeded
            || !(result = await SoftwareStatement.ValidateAsync(context, ct).ConfigureAwait(false)).Succeeded
            || !(result = await Transport.ValidateBindingAsync(context, ct).ConfigureAwait(false)).Succeeded
            || !(result = await RequestObject.ValidateAsync(context, ct).ConfigureAwait(false)).Succeeded
            || !(result = await Metadata.ValidateAsync(context, ct).ConfigureAwait(false)).Succeeded)
        {
            return result;
        }

        return DcrStepResult.Success;
    }

    private async Task<DcrResult<JsonObject>> RejectAsync(DcrRequestContext context, DcrError error)
    {
        if (context.Error is null)
        {
            context.Reject(error);
        }

        Logger.RequestRejected(error.Error, error.ErrorDescription);
        await Events.RequestRejectedAsync(context).ConfigureAwait(false);
        return DcrResult.Failure<JsonObject>(context.Error!);
    }
}

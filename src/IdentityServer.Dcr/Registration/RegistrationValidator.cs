// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using IdentityServer.Dcr.Diagnostics;
using IdentityServer.Dcr.Logging;
using IdentityServer.Dcr.Processing;
using IdentityServer.Dcr.RequestParsing;
using IdentityServer.Dcr.Tokens;
using IdentityServer.Dcr.Validation;
using Microsoft.Extensions.Logging;

namespace IdentityServer.Dcr.Registration;

/// <summary>
/// The default <see cref="IRegistrationValidator"/>. Stages, in order: the body
/// (<see cref="IRegistrationRequestReader"/>), the transport certificate's chain and usage
/// (<see cref="ITransportCertificateValidator.ValidateCertificateAsync"/>), the software statement
/// (<see cref="ISoftwareStatementValidator"/>), the certificate's binding to it
/// (<see cref="ITransportCertificateValidator.ValidateBindingAsync"/>), the request JWS
/// (<see cref="IRequestObjectValidator"/>), the metadata (<see cref="IClientMetadataValidator"/>), and for an update
/// <see cref="ValidateUpdate"/>.
/// </summary>
public class RegistrationValidator : IRegistrationValidator
{
    /// <summary>Creates the validator.</summary>
    /// <param name="reader">Reads the body.</param>
    /// <param name="transport">Checks the transport certificate.</param>
    /// <param name="softwareStatement">Verifies the SSA.</param>
    /// <param name="requestObject">Verifies the request JWS.</param>
    /// <param name="metadata">Validates the metadata.</param>
    /// <param name="logger">The logger.</param>
    public RegistrationValidator(
        IRegistrationRequestReader reader,
        ITransportCertificateValidator transport,
        ISoftwareStatementValidator softwareStatement,
        IRequestObjectValidator requestObject,
        IClientMetadataValidator metadata,
        ILogger<RegistrationValidator> logger)
    {
        Reader = reader;
        Transport = transport;
        SoftwareStatement = softwareStatement;
        RequestObject = requestObject;
        Metadata = metadata;
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

    /// <summary>The logger.</summary>
    protected ILogger Logger { get; }

    /// <inheritdoc />
    public virtual async Task<DcrStepResult> ValidateAsync(DcrRequestContext context, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(context);
        // Each stage is timed and traced (DcrTelemetry): dcr.registration.stage.duration, activity "dcr.stage <name>".
        DcrStepResult result;
        if (!(result = await DcrTelemetry.MeasureStageAsync("read", () => Task.FromResult(Reader.Read(context))).ConfigureAwait(false)).Succeeded
            || !(
                result = await DcrTelemetry.MeasureStageAsync("transport", () => Transport.ValidateCertificateAsync(context, ct))
                    .ConfigureAwait(false)).Succeeded
            || !(
                result = await DcrTelemetry.MeasureStageAsync("software_statement", () => SoftwareStatement.ValidateAsync(context, ct))
                    .ConfigureAwait(false)).Succeeded
            || !(
                result = await DcrTelemetry.MeasureStageAsync("binding", () => Transport.ValidateBindingAsync(context, ct))
                    .ConfigureAwait(false)).Succeeded
            || !(
                result = await DcrTelemetry.MeasureStageAsync("request_object", () => RequestObject.ValidateAsync(context, ct))
                    .ConfigureAwait(false)).Succeeded
            || !(result = await DcrTelemetry.MeasureStageAsync("metadata", () => Metadata.ValidateAsync(context, ct)).ConfigureAwait(false)).Succeeded
            || !(result = ValidateUpdate(context)).Succeeded)
        {
            return result;
        }

        return DcrStepResult.Success;
    }

    /// <summary>
    /// The update rules (RFC 7592 §2.2), for a request with an existing registration: the software statement must name
    /// the registration's own software and organisation (<c>unapproved_software_statement</c>: a client cannot be
    /// moved), a <c>client_id</c> in the request must be the client's own (<c>invalid_client_metadata</c>), and the
    /// client cannot move between secret-based and key- or certificate-based authentication
    /// (<c>invalid_client_metadata</c>: the secret would be missing, or left behind unused).
    /// </summary>
    /// <param name="context">The validated request context.</param>
    /// <returns>Success, or the error to return.</returns>
    protected virtual DcrStepResult ValidateUpdate(DcrRequestContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.ExistingRegistration is not { } existing)
        {
            return DcrStepResult.Success;
        }

        var ssa = context.SoftwareStatement!;
        if (!string.Equals(existing.SoftwareId, ssa.SoftwareId, StringComparison.Ordinal)
            || !string.Equals(existing.OrganisationId, ssa.OrganisationId, StringComparison.Ordinal))
        {
            Logger.UpdateMovesClient(existing.ClientId, ssa.SoftwareId, ssa.OrganisationId);
            return DcrError.UnapprovedSoftwareStatement(DcrErrorDescriptions.UpdateMovesClient);
        }

        // RFC 7592 §2.2: a client_id in the update must be the client's own (OBIE makes it optional in requests); one naming
        // another client is a contradiction, not a field to ignore.
        var named = ClaimReader.ReadString(context.RequestClaims, "client_id", out var requested);
        if (named == ClaimState.WrongType
            || (named == ClaimState.Present && !string.Equals(requested, existing.ClientId, StringComparison.Ordinal)))
        {
            return DcrError.InvalidClientMetadata(DcrErrorDescriptions.UpdateNamesAnotherClient);
        }

        var wasSecret = RegistrationProcessor.SecretMethods.Contains(existing.Metadata.TokenEndpointAuthMethod);
        var isSecret = RegistrationProcessor.SecretMethods.Contains(context.Metadata!.TokenEndpointAuthMethod);
        return wasSecret == isSecret
            ? DcrStepResult.Success
            : DcrError.InvalidClientMetadata(DcrErrorDescriptions.UpdateChangesAuthenticationKind(
                existing.Metadata.TokenEndpointAuthMethod,
                context.Metadata.TokenEndpointAuthMethod));
    }
}

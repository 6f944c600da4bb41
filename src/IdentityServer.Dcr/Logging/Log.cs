// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using Microsoft.Extensions.Logging;

namespace IdentityServer.Dcr.Logging;

/// <summary>
/// Source-generated log messages of the engine. Event ids are a public contract: 1000 request, 1100 software
/// statement, 1200 request object, 1300 transport, 1400 JWKS, 1500 registration. Never reuse an id. Identifiers
/// (software_id, org_id, kid, jti, thumbprints) are logged; tokens, secrets and keys never are.
/// </summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1000, EventName = nameof(RequestRejected), Level = LogLevel.Information,
        Message = "Registration request rejected with {Error}: {ErrorDescription}")]
    public static partial void RequestRejected(this ILogger logger, string error, string errorDescription);

    [LoggerMessage(EventId = 1001, EventName = nameof(RequestInfrastructureFailure), Level = LogLevel.Error,
        Message = "Registration request could not be processed because a dependency failed")]
    public static partial void RequestInfrastructureFailure(this ILogger logger, Exception exception);

    [LoggerMessage(EventId = 1100, EventName = nameof(SoftwareStatementUntrustedIssuer), Level = LogLevel.Warning,
        Message = "Software statement issuer {Issuer} is not a trust anchor")]
    public static partial void SoftwareStatementUntrustedIssuer(this ILogger logger, string issuer);

    [LoggerMessage(EventId = 1101, EventName = nameof(SoftwareStatementAlgorithmRefused), Level = LogLevel.Warning,
        Message = "Software statement from {Issuer} uses refused algorithm {Algorithm}")]
    public static partial void SoftwareStatementAlgorithmRefused(this ILogger logger, string issuer, string algorithm);

    [LoggerMessage(EventId = 1102, EventName = nameof(SoftwareStatementKeyNotFound), Level = LogLevel.Warning,
        Message = "Software statement from {Issuer} names unknown key {KeyId}")]
    public static partial void SoftwareStatementKeyNotFound(this ILogger logger, string issuer, string? keyId);

    [LoggerMessage(EventId = 1103, EventName = nameof(SoftwareStatementSignatureInvalid), Level = LogLevel.Warning,
        Message = "Software statement from {Issuer} with key {KeyId} failed verification: {Reason}")]
    public static partial void SoftwareStatementSignatureInvalid(this ILogger logger, string issuer, string? keyId, string? reason);

    [LoggerMessage(EventId = 1104, EventName = nameof(SoftwareStatementUnapproved), Level = LogLevel.Information,
        Message = "Software statement of software {SoftwareId} (organisation {OrganisationId}) refused by policy")]
    public static partial void SoftwareStatementUnapproved(this ILogger logger, string softwareId, string organisationId);

    [LoggerMessage(EventId = 1200, EventName = nameof(RequestKeyNotFound), Level = LogLevel.Warning,
        Message = "Registration request of software {SoftwareId} names key {KeyId} that its JWKS does not hold: {Reason}")]
    public static partial void RequestKeyNotFound(this ILogger logger, string softwareId, string? keyId, string reason);

    [LoggerMessage(EventId = 1201, EventName = nameof(RequestSignatureInvalid), Level = LogLevel.Warning,
        Message = "Registration request of software {SoftwareId} with key {KeyId} failed verification: {Reason}")]
    public static partial void RequestSignatureInvalid(this ILogger logger, string softwareId, string? keyId, string? reason);

    [LoggerMessage(EventId = 1202, EventName = nameof(RequestReplayed), Level = LogLevel.Warning,
        Message = "Registration request of software {SoftwareId} replays jti {Jti}")]
    public static partial void RequestReplayed(this ILogger logger, string softwareId, string jti);

    [LoggerMessage(EventId = 1203, EventName = nameof(RequestJwksRefused), Level = LogLevel.Warning,
        Message = "JWKS endpoint of software {SoftwareId} refused: {Reason}")]
    public static partial void RequestJwksRefused(this ILogger logger, string softwareId, string reason);

    [LoggerMessage(EventId = 1300, EventName = nameof(CertificateMissing), Level = LogLevel.Information,
        Message = "Registration request without a transport certificate")]
    public static partial void CertificateMissing(this ILogger logger);

    [LoggerMessage(EventId = 1301, EventName = nameof(CertificateChainInvalid), Level = LogLevel.Warning,
        Message = "Transport certificate {Thumbprint} does not chain to a trusted root: {Status}")]
    public static partial void CertificateChainInvalid(this ILogger logger, string thumbprint, string status);

    [LoggerMessage(EventId = 1302, EventName = nameof(CertificateNotBound), Level = LogLevel.Warning,
        Message = "Transport certificate {Thumbprint} does not belong to software {SoftwareId} of organisation {OrganisationId}")]
    public static partial void CertificateNotBound(this ILogger logger, string thumbprint, string softwareId, string organisationId);

    [LoggerMessage(EventId = 1303, EventName = nameof(SubjectDnMismatch), Level = LogLevel.Information,
        Message = "tls_client_auth_subject_dn of software {SoftwareId} does not name transport certificate {Thumbprint}")]
    public static partial void SubjectDnMismatch(this ILogger logger, string softwareId, string thumbprint);

    [LoggerMessage(EventId = 1500, EventName = nameof(ClientRegistered), Level = LogLevel.Information,
        Message = "Registered client {ClientId} for software {SoftwareId} of organisation {OrganisationId}")]
    public static partial void ClientRegistered(this ILogger logger, string clientId, string softwareId, string organisationId);

    [LoggerMessage(EventId = 1502, EventName = nameof(ClientUpdated), Level = LogLevel.Information,
        Message = "Updated client {ClientId} of software {SoftwareId}")]
    public static partial void ClientUpdated(this ILogger logger, string clientId, string softwareId);

    [LoggerMessage(EventId = 1503, EventName = nameof(ClientDeleted), Level = LogLevel.Information,
        Message = "Deleted client {ClientId}")]
    public static partial void ClientDeleted(this ILogger logger, string clientId);

    [LoggerMessage(EventId = 1504, EventName = nameof(UpdateMovesClient), Level = LogLevel.Warning,
        Message = "Update of client {ClientId} presented a software statement of software {SoftwareId} (organisation {OrganisationId}); refused")]
    public static partial void UpdateMovesClient(this ILogger logger, string clientId, string softwareId, string organisationId);

    [LoggerMessage(EventId = 1501, EventName = nameof(DuplicateRegistrationRefused), Level = LogLevel.Information,
        Message = "Software {SoftwareId} is already registered; duplicate registration refused")]
    public static partial void DuplicateRegistrationRefused(this ILogger logger, string softwareId);
}

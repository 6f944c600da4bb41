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

    [LoggerMessage(EventId = 1304, EventName = nameof(CertificateWithoutClientAuthentication), Level = LogLevel.Warning,
        Message = "Transport certificate {Thumbprint} does not carry the clientAuth extended key usage")]
    public static partial void CertificateWithoutClientAuthentication(this ILogger logger, string thumbprint);

    [LoggerMessage(EventId = 1305, EventName = nameof(CertificateNotOfRegistration), Level = LogLevel.Warning,
        Message = "Transport certificate {Thumbprint} does not belong to client {ClientId}")]
    public static partial void CertificateNotOfRegistration(this ILogger logger, string thumbprint, string clientId);

    [LoggerMessage(EventId = 1306, EventName = nameof(CertificateRevocationUnknownAccepted), Level = LogLevel.Warning,
        Message = "Revocation status of transport certificate {Thumbprint} unknown (source unreachable: {Offline}); "
            + "accepted by Dcr:Transport:RevocationStatusUnknown")]
    public static partial void CertificateRevocationUnknownAccepted(this ILogger logger, string thumbprint, bool offline);

    [LoggerMessage(EventId = 1307, EventName = nameof(CertificateRevocationUnknownRefused), Level = LogLevel.Warning,
        Message = "Revocation status of transport certificate {Thumbprint} unknown (source unreachable: {Offline}); refused")]
    public static partial void CertificateRevocationUnknownRefused(this ILogger logger, string thumbprint, bool offline);

    [LoggerMessage(EventId = 1308, EventName = nameof(CertificateRevoked), Level = LogLevel.Warning,
        Message = "Transport certificate {Thumbprint} is revoked")]
    public static partial void CertificateRevoked(this ILogger logger, string thumbprint);

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

    [LoggerMessage(EventId = 1580, EventName = nameof(ClientAuthenticationMethodMismatch), Level = LogLevel.Information,
        Message = "Client {ClientId} is registered for {Registered} but authenticated with {Presented}; refused")]
    private static partial void ClientAuthenticationMethodMismatchCore(this ILogger logger, string clientId, string registered, string presented);

    public static void ClientAuthenticationMethodMismatch(this ILogger logger, string clientId, string registered, string presented)
    {
        if (logger.IsEnabled(LogLevel.Information))
        {
            logger.ClientAuthenticationMethodMismatchCore(
                DcrErrorDescriptions.Truncate(clientId),
                registered,
                DcrErrorDescriptions.Truncate(presented));
        }
    }

    [LoggerMessage(EventId = 1581, EventName = nameof(ClientAuthenticationMethodDisabled), Level = LogLevel.Warning,
        Message = "Client {ClientId} is registered for {Registered}, which the bank no longer enables; refused")]
    public static partial void ClientAuthenticationMethodDisabled(this ILogger logger, string clientId, string registered);

    [LoggerMessage(EventId = 1582, EventName = nameof(ClientAssertionRefused), Level = LogLevel.Information,
        Message = "Client assertion of client {ClientId} refused: {Reason}")]
    private static partial void ClientAssertionRefusedCore(this ILogger logger, string clientId, string reason);

    public static void ClientAssertionRefused(this ILogger logger, string clientId, string reason)
    {
        if (logger.IsEnabled(LogLevel.Information))
        {
            logger.ClientAssertionRefusedCore(
                DcrErrorDescriptions.Truncate(clientId),
                DcrErrorDescriptions.Truncate(reason, DcrErrorDescriptions.MaxReasonLength));
        }
    }

    [LoggerMessage(EventId = 1506, EventName = nameof(ClientDisabledChanged), Level = LogLevel.Information,
        Message = "Client {ClientId} disabled: {Disabled}")]
    public static partial void ClientDisabledChanged(this ILogger logger, string clientId, bool disabled);

    [LoggerMessage(EventId = 1505, EventName = nameof(AuditRecordFailed), Level = LogLevel.Warning,
        Message = "A refused registration attempt could not be written to the audit trail (the store is unavailable); the refusal stands.")]
    public static partial void AuditRecordFailed(this ILogger logger, Exception exception);

    [LoggerMessage(EventId = 1590, EventName = nameof(AuthorizationRequestRefused), Level = LogLevel.Information,
        Message = "Authorization request of client {ClientId} refused with {Error} ({Where}): {Reason}")]
    private static partial void AuthorizationRequestRefusedCore(this ILogger logger, string clientId, string error, string where, string reason);

    public static void AuthorizationRequestRefused(this ILogger logger, string clientId, string error, string reason, bool redirected)
    {
        if (logger.IsEnabled(LogLevel.Information))
        {
            logger.AuthorizationRequestRefusedCore(
                DcrErrorDescriptions.Truncate(clientId),
                error,
                redirected ? "sent to the redirect URI" : "shown to the user",
                DcrErrorDescriptions.Truncate(reason, DcrErrorDescriptions.MaxReasonLength));
        }
    }

    [LoggerMessage(EventId = 1584, EventName = nameof(ClientAuthenticationClientDisabled), Level = LogLevel.Information,
        Message = "Client {ClientId} refused at the token endpoint: it is disabled")]
    public static partial void ClientAuthenticationClientDisabled(this ILogger logger, string clientId);

    [LoggerMessage(EventId = 1583, EventName = nameof(ClientCertificateRefused), Level = LogLevel.Information,
        Message = "Transport certificate {Thumbprint} of client {ClientId} refused at the token endpoint: {Reason}")]
    private static partial void ClientCertificateRefusedCore(this ILogger logger, string clientId, string thumbprint, string reason);

    public static void ClientCertificateRefused(this ILogger logger, string clientId, string? thumbprint, string reason)
    {
        if (logger.IsEnabled(LogLevel.Information))
        {
            logger.ClientCertificateRefusedCore(
                DcrErrorDescriptions.Truncate(clientId),
                thumbprint ?? "(none)",
                DcrErrorDescriptions.Truncate(reason, DcrErrorDescriptions.MaxReasonLength));
        }
    }
}

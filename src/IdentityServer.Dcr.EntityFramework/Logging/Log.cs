// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using IdentityServer.Dcr.Stores;
using Microsoft.Extensions.Logging;

namespace IdentityServer.Dcr.EntityFramework.Logging;

/// <summary>
/// Log messages of the EF Core store. Event ids 1560–1599 (the store's share of the 1500 registration/store
/// range; 1500–1559 are left to the engine's registration stage). Ids are a public contract: never reuse one.
/// </summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1560, EventName = nameof(StoreUnavailable), Level = LogLevel.Error,
        Message = "The DCR registration store is unavailable during {Operation}.")]
    public static partial void StoreUnavailable(this ILogger logger, string operation, Exception exception);

    [LoggerMessage(EventId = 1561, EventName = nameof(RegistrationStored), Level = LogLevel.Debug,
        Message = "Stored registration {ClientId} for software_id {SoftwareId} (org_id {OrganisationId}).")]
    public static partial void RegistrationStored(this ILogger logger, string clientId, string softwareId, string organisationId);

    [LoggerMessage(EventId = 1562, EventName = nameof(RequestTokenReplayed), Level = LogLevel.Warning,
        Message = "Refused a write for client {ClientId}: request token jti {Jti} from {Issuer} was already used.")]
    public static partial void RequestTokenReplayed(this ILogger logger, string clientId, string issuer, string jti);

    [LoggerMessage(EventId = 1563, EventName = nameof(DuplicateSoftware), Level = LogLevel.Information,
        Message = "Refused registration {ClientId}: software_id {SoftwareId} is already registered.")]
    public static partial void DuplicateSoftware(this ILogger logger, string clientId, string softwareId);

    [LoggerMessage(EventId = 1564, EventName = nameof(ConcurrencyConflict), Level = LogLevel.Information,
        Message = "Refused a write for client {ClientId}: it changed since it was read.")]
    public static partial void ConcurrencyConflict(this ILogger logger, string clientId);

    [LoggerMessage(EventId = 1565, EventName = nameof(WriteRaceRetried), Level = LogLevel.Debug,
        Message = "Write for client {ClientId} lost a serialization race without a conclusive outcome; retrying (attempt {Attempt}).")]
    public static partial void WriteRaceRetried(this ILogger logger, string clientId, int attempt);

    [LoggerMessage(EventId = 1566, EventName = nameof(WriteContentionExhausted), Level = LogLevel.Error,
        Message = "Write for client {ClientId} kept losing serialization races after {Attempts} attempts.")]
    public static partial void WriteContentionExhausted(this ILogger logger, string clientId, int attempts);

    [LoggerMessage(EventId = 1567, EventName = nameof(RegistrationNotFound), Level = LogLevel.Debug,
        Message = "No registration {ClientId} to write.")]
    public static partial void RegistrationNotFound(this ILogger logger, string clientId);

    [LoggerMessage(EventId = 1568, EventName = nameof(RegistrationDeleted), Level = LogLevel.Debug,
        Message = "Deleted registration {ClientId}: {Deleted}.")]
    public static partial void RegistrationDeleted(this ILogger logger, string clientId, bool deleted);

    [LoggerMessage(EventId = 1572, EventName = nameof(RegistrationDisabledChanged), Level = LogLevel.Debug,
        Message = "Set registration {ClientId} disabled: {Disabled}: {Result}.")]
    public static partial void RegistrationDisabledChanged(this ILogger logger, string clientId, bool disabled, StoreWriteResult result);

    [LoggerMessage(EventId = 1569, EventName = nameof(RequestTokensPurged), Level = LogLevel.Debug,
        Message = "Purged {Count} used request tokens that expired before {Now}.")]
    public static partial void RequestTokensPurged(this ILogger logger, int count, DateTimeOffset now);

    [LoggerMessage(EventId = 1570, EventName = nameof(MigrationsApplied), Level = LogLevel.Information,
        Message = "Applied DCR store migrations ({Provider}).")]
    public static partial void MigrationsApplied(this ILogger logger, string provider);

    [LoggerMessage(EventId = 1571, EventName = nameof(PurgeFailed), Level = LogLevel.Warning,
        Message = "The background purge of expired used tokens failed; it runs again in {Interval}.")]
    public static partial void PurgeFailed(this ILogger logger, TimeSpan interval, Exception exception);
}

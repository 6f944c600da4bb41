// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Data.Common;
using System.Net.Sockets;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace IdentityServer.Dcr.EntityFramework.Stores;

/// <summary>Sorts provider exceptions into "lost a write race" and "database unavailable".</summary>
internal static class DcrDbExceptionClassifier
{
    private const int SqliteConstraintPrimaryKey = 1555;
    private const int SqliteConstraintUnique = 2067;

    /// <summary>
    /// A unique/primary-key violation, a serialization failure or a deadlock: another writer got there first.
    /// The caller re-reads to find out which outcome that means.
    /// </summary>
    public static bool IsWriteRace(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case PostgresException pg when pg.SqlState is PostgresErrorCodes.UniqueViolation
                    or PostgresErrorCodes.SerializationFailure
                    or PostgresErrorCodes.DeadlockDetected:
                    return true;
                case SqliteException sqlite when sqlite.SqliteExtendedErrorCode is SqliteConstraintPrimaryKey or SqliteConstraintUnique:
                    return true;
                default:
                    break;
            }
        }

        return false;
    }

    /// <summary>
    /// A connectivity, timeout or database fault (anything database-shaped that is not a mapped write race),
    /// including the <see cref="InvalidOperationException"/> an execution strategy wraps a transient fault in.
    /// Cancellation requested by the caller is not a fault.
    /// </summary>
    public static bool IsUnavailable(Exception exception)
    {
        if (exception is OperationCanceledException)
        {
            return false;
        }

        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is DbException or TimeoutException or SocketException or RetryLimitExceededException)
            {
                return true;
            }
        }

        return false;
    }
}

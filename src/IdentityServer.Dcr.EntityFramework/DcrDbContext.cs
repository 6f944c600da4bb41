// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using IdentityServer.Dcr.EntityFramework.Entities;
using IdentityServer.Dcr.EntityFramework.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace IdentityServer.Dcr.EntityFramework;

/// <summary>
/// The EF Core model of the registration store: <c>DcrClientRegistrations</c> and <c>DcrUsedRequestTokens</c>.
/// </summary>
/// <remarks>
/// Each provider has its own subclass (<see cref="PostgreSqlDcrDbContext"/>, <see cref="SqliteDcrDbContext"/>) so
/// that each keeps its own migrations; the model itself is defined once, here. Register one through
/// <c>AddDcrPostgreSqlStore</c> or <c>AddDcrSqliteStore</c> rather than by hand.
/// </remarks>
public abstract class DcrDbContext : DbContext
{
    internal const string ClientRegistrationsTable = "DcrClientRegistrations";
    internal const string UsedRequestTokensTable = "DcrUsedRequestTokens";
    internal const string AuditRecordsTable = "DcrAuditRecords";

    /// <summary>Creates the context.</summary>
    /// <param name="options">The options, built by the provider-specific registration.</param>
    protected DcrDbContext(DbContextOptions options)
        : base(options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Schema = options.FindExtension<DcrDbContextOptionsExtension>()?.Schema;
    }

    /// <summary>The registered clients.</summary>
    public DbSet<ClientRegistrationEntity> ClientRegistrations => Set<ClientRegistrationEntity>();

    /// <summary>The used registration request tokens, kept until they expire.</summary>
    public DbSet<UsedRequestTokenEntity> UsedRequestTokens => Set<UsedRequestTokenEntity>();

    /// <summary>The audit trail (table <c>DcrAuditRecords</c>).</summary>
    public DbSet<AuditRecordEntity> AuditRecords => Set<AuditRecordEntity>();

    /// <summary>The database schema of the tables; <see langword="null"/> for the connection's default.</summary>
    public string? Schema { get; }

    /// <inheritdoc />
    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        ArgumentNullException.ThrowIfNull(modelBuilder);
        if (Schema is not null)
        {
            modelBuilder.HasDefaultSchema(Schema);
        }

        modelBuilder.Entity<ClientRegistrationEntity>(b =>
        {
            b.ToTable(ClientRegistrationsTable);
            b.HasKey(e => e.ClientId);
            b.Property(e => e.ClientId).HasMaxLength(64);
            b.Property(e => e.SoftwareId).HasMaxLength(256).IsRequired();
            b.Property(e => e.OrganisationId).HasMaxLength(256).IsRequired();
            b.Property(e => e.SoftwareStatementIssuer).HasMaxLength(256).IsRequired();
            b.Property(e => e.TokenEndpointAuthMethod).HasMaxLength(64).IsRequired();
            b.Property(e => e.TlsClientAuthSubjectDn).HasMaxLength(1024);
            b.Property(e => e.JwksUri).HasMaxLength(2048);
            b.Property(e => e.MetadataJson).IsRequired();
            b.Property(e => e.SoftwareStatement).IsRequired();
            b.Property(e => e.SoftwareStatementClaims).IsRequired();
            b.Property(e => e.ClientSecretHash).HasMaxLength(512);
            b.Property(e => e.ConcurrencyStamp).HasMaxLength(64).IsRequired().IsConcurrencyToken();
            b.Property(e => e.TransportCertificateThumbprint).HasMaxLength(64);
            b.Property(e => e.TransportCertificateSubject).HasMaxLength(1024);
            b.HasIndex(e => e.SoftwareId);
            b.HasIndex(e => e.OrganisationId);
        });

        modelBuilder.Entity<UsedRequestTokenEntity>(b =>
        {
            b.ToTable(UsedRequestTokensTable);
            b.HasKey(e => new { e.Issuer, e.Jti });
            b.Property(e => e.Issuer).HasMaxLength(256);
            b.Property(e => e.Jti).HasMaxLength(256);
            b.HasIndex(e => e.ExpiresAt);
        });

        modelBuilder.Entity<AuditRecordEntity>(b =>
        {
            b.ToTable(AuditRecordsTable);
            b.HasKey(e => e.Id);
            b.Property(e => e.Operation).HasMaxLength(16).IsRequired();
            b.Property(e => e.Outcome).HasMaxLength(16).IsRequired();
            b.Property(e => e.ErrorCode).HasMaxLength(64);
            b.Property(e => e.ClientId).HasMaxLength(64);
            b.Property(e => e.SoftwareId).HasMaxLength(256);
            b.Property(e => e.OrganisationId).HasMaxLength(256);
            b.Property(e => e.SoftwareStatementIssuer).HasMaxLength(256);
            b.Property(e => e.CertificateThumbprint).HasMaxLength(64);
            b.Property(e => e.CertificateSubject).HasMaxLength(1024);
            b.Property(e => e.RequestJti).HasMaxLength(256);
            b.Property(e => e.Actor).HasMaxLength(256);
            b.HasIndex(e => new { e.SoftwareId, e.OccurredAt });
            b.HasIndex(e => new { e.OrganisationId, e.OccurredAt });
            b.HasIndex(e => new { e.ClientId, e.OccurredAt });
            b.HasIndex(e => e.OccurredAt);
        });
    }
}

using System;
using IdentityServer.Dcr.EntityFramework.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace IdentityServer.Dcr.EntityFramework.Migrations.Sqlite
{
    /// <inheritdoc />
    // Hand edit: schema-aware, like InitialCreate (the configured schema is handed in at run time).
    public partial class AuditTrail : Migration, IDcrSchemaAwareMigration
    {
        private string _schema;

        string IDcrSchemaAwareMigration.Schema { set => _schema = value; }

        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "TransportCertificateNotAfter",
                schema: _schema,
                table: "DcrClientRegistrations",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "TransportCertificateSubject",
                schema: _schema,
                table: "DcrClientRegistrations",
                type: "TEXT",
                maxLength: 1024,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "TransportCertificateThumbprint",
                schema: _schema,
                table: "DcrClientRegistrations",
                type: "TEXT",
                maxLength: 64,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "DcrAuditRecords",
                schema: _schema,
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    OccurredAt = table.Column<long>(type: "INTEGER", nullable: false),
                    Operation = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Outcome = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    ErrorCode = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    ClientId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    SoftwareId = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    OrganisationId = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    SoftwareStatementIssuer = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    CertificateThumbprint = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    CertificateSubject = table.Column<string>(type: "TEXT", maxLength: 1024, nullable: true),
                    RequestJti = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DcrAuditRecords", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_DcrAuditRecords_ClientId_OccurredAt",
                schema: _schema,
                table: "DcrAuditRecords",
                columns: new[] { "ClientId", "OccurredAt" });

            migrationBuilder.CreateIndex(
                name: "IX_DcrAuditRecords_OccurredAt",
                schema: _schema,
                table: "DcrAuditRecords",
                column: "OccurredAt");

            migrationBuilder.CreateIndex(
                name: "IX_DcrAuditRecords_OrganisationId_OccurredAt",
                schema: _schema,
                table: "DcrAuditRecords",
                columns: new[] { "OrganisationId", "OccurredAt" });

            migrationBuilder.CreateIndex(
                name: "IX_DcrAuditRecords_SoftwareId_OccurredAt",
                schema: _schema,
                table: "DcrAuditRecords",
                columns: new[] { "SoftwareId", "OccurredAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "DcrAuditRecords",
                schema: _schema);

            migrationBuilder.DropColumn(
                name: "TransportCertificateNotAfter",
                schema: _schema,
                table: "DcrClientRegistrations");

            migrationBuilder.DropColumn(
                name: "TransportCertificateSubject",
                schema: _schema,
                table: "DcrClientRegistrations");

            migrationBuilder.DropColumn(
                name: "TransportCertificateThumbprint",
                schema: _schema,
                table: "DcrClientRegistrations");
        }
    }
}

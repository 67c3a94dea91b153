import { RemovalPolicy } from 'aws-cdk-lib';
import {
  AttributeType,
  BillingMode,
  ProjectionType,
  StreamViewType,
  Table,
  TableEncryption,
} from 'aws-cdk-lib/aws-dynamodb';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { globalIndexes, tableKeys } from '../table-definition.js';

export interface MessagingTableProps {
  readonly encryptionKey: IKey;
}

/**
 * The single table, built from lib/table-definition.ts (the same definition the local
 * runtime uses for DynamoDB Local). On-demand, point-in-time recovery, deletion protection,
 * encrypted with the customer-managed key, and a NEW_AND_OLD_IMAGES stream that feeds the
 * delivery dispatcher (transactional outbox). Retained when the stack is deleted.
 */
export class MessagingTable extends Construct {
  readonly table: Table;

  constructor(scope: Construct, id: string, props: MessagingTableProps) {
    super(scope, id);

    this.table = new Table(this, 'Table', {
      partitionKey: { name: tableKeys.partitionKey, type: AttributeType.STRING },
      sortKey: { name: tableKeys.sortKey, type: AttributeType.STRING },
      timeToLiveAttribute: tableKeys.ttlAttribute,
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      encryption: TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: props.encryptionKey,
      stream: StreamViewType.NEW_AND_OLD_IMAGES,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    for (const index of globalIndexes) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.indexName,
        partitionKey: { name: index.partitionKey, type: AttributeType.STRING },
        sortKey: { name: index.sortKey, type: AttributeType.STRING },
        projectionType: ProjectionType.ALL,
      });
    }
  }
}
